/**
 * The contract every {@link io.containerlogging.core.LogBackend} must meet, as an abstract JUnit 5
 * suite ({@link io.containerlogging.tck.LogBackendContractTest}) that a backend runs with a
 * subclass of a few lines, and the {@link io.containerlogging.tck.MutableClock} it drives
 * retention with. Add this module with test scope.
 */
package io.containerlogging.tck;
