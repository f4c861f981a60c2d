/**
 * The structure stage of the write path: JSON and logfmt lines parsed into fields, levels taken
 * from the content, stack traces grouped into one message, secrets redacted. Configure it with
 * {@link io.containerlogging.core.structure.StructureOptions}; the Docker monitor runs a
 * {@link io.containerlogging.core.structure.StructureStage} for every container stream. The
 * parsers, rules and the level detector are package-private; their behaviour and measured
 * accuracy are described in {@code docs/structure.md}.
 */
package io.containerlogging.core.structure;
