/**
 * Streaming conversion between disk formats: {@link dev.ferry.format.convert.VirtualDisk} (a
 * reader's allocated extents and positioned reads), {@link dev.ferry.format.convert.DiskWriter}
 * (one per target format, fed non-zero data in virtual order) and the
 * {@link dev.ferry.format.convert.Converter} that connects them with bounded buffers. Readers and
 * writers live in their format's package ({@code raw.RawReader}, {@code qcow2.Qcow2Writer}...).
 */
package dev.ferry.format.convert;
