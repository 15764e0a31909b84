/** Reading exoclone events for people: any exoclone topic's records as one-line JSON. */
package io.exoclone.connectors.events;
