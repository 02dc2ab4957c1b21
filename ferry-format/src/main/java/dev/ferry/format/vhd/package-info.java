/**
 * VHD (Microsoft Virtual Hard Disk v1, qemu's "vpc"): the spec's records ({@code Footer},
 * {@code DynamicDiskHeader}, {@code ParentLocatorEntry}, {@code BlockAllocationTable},
 * {@code DiskGeometry}) and {@link dev.ferry.format.vhd.VhdInspector}, which applies the Rackspace
 * checks 396, 721, 523, 614, 413, 609, 111 in that order.
 */
package dev.ferry.format.vhd;
