/**
 * VHDX (Hyper-V virtual hard disk v2, little-endian, CRC-32C): headers, region table, metadata
 * and BAT records and {@link dev.ferry.format.vhdx.VhdxInspector}.
 */
package dev.ferry.format.vhdx;
