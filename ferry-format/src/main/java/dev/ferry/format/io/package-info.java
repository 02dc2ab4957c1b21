/** Positioned read sources: files, byte arrays, and (in the server) HTTP and object-store ranges. */
package dev.ferry.format.io;
