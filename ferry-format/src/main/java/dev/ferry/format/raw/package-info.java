/**
 * Raw disks: no container, the file is the disk. Recognises a DOS/MBR partition table and a GPT
 * (protective MBR plus the "EFI PART" header at LBA 1, CRC-checked) so that the detector can report
 * the subformat and spot a partition table hidden in another format (formats.md 3.5).
 */
package dev.ferry.format.raw;
