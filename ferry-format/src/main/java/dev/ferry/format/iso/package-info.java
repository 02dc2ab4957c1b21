/**
 * ISO 9660 (and UDF) optical images: the volume descriptor set from sector 16 (offset 32 KiB),
 * the Primary Volume Descriptor's volume space size and logical block size (formats.md 3.5).
 */
package dev.ferry.format.iso;
