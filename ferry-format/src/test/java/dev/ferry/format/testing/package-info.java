/** Builders for small images made in code, shared by the format tests. */
package dev.ferry.format.testing;
