/**
 * The detector and facade: {@link dev.ferry.format.detect.Inspector} probes every registered
 * {@link dev.ferry.format.FormatInspector}, resolves double matches, compares the content with the
 * claimed format and applies the size limits. Verdicts depend only on the bytes and the claim.
 */
package dev.ferry.format.detect;
