/**
 * VDI (VirtualBox Disk Image): the 512-byte header with signature 0xBEDA107F at 0x40, static and
 * dynamic images, and a bounds/overlap walk of the block map (formats.md 3.4).
 */
package dev.ferry.format.vdi;
