/**
 * QED (QEMU Enhanced Disk): detected by its {@code QED\0} magic so that it is never taken for raw,
 * and always refused (formats.md 3.1, the OpenStack inspector bans it too).
 */
package dev.ferry.format.qed;
