package io.containerlogging.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class (or method) that needs a Docker engine: it runs only when
 * {@link DockerEngine} finds one with the test image, and is tagged {@value #TAG} so a build can
 * leave it out ({@code -DexcludedGroups=docker}).
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag(DockerTest.TAG)
@ExtendWith(DockerEngine.class)
public @interface DockerTest {

    /** The JUnit tag on every test that needs a Docker engine. */
    String TAG = "docker";
}
