/** Inspection benchmark (a program, run by tools/bench-inspect.sh; not part of the test suite). */
package dev.ferry.format.bench;
