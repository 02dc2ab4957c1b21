/**
 * qcow2 (versions 2 and 3): header and table records named as in QEMU's docs/interop/qcow2.txt,
 * and {@link dev.ferry.format.qcow2.Qcow2Inspector}, the safety validator. The records are meant to
 * be reused by a converter that reads guest clusters (including zlib and zstd compressed ones).
 */
package dev.ferry.format.qcow2;
