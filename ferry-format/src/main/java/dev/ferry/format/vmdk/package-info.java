/**
 * VMDK hosted sparse extents (monolithicSparse, streamOptimized) and descriptor files: records for
 * the {@code KDMV} header, stream markers and the descriptor, and
 * {@link dev.ferry.format.vmdk.VmdkInspector}, the safety validator. Only single-file images are
 * accepted; every reference to another file is a rejection.
 */
package dev.ferry.format.vmdk;
