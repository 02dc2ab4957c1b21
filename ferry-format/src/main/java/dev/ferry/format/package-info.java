/**
 * Ferry's disk-image library: detection, inspection and conversion, with no server, HTTP or
 * database code. {@link dev.ferry.format.FormatInspector} is one format's validator;
 * {@link dev.ferry.format.Inspection} is the result; codes are {@link dev.ferry.format.Reason}
 * tokens and {@link dev.ferry.format.VhdCode} numbers.
 */
package dev.ferry.format;
