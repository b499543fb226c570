// Package safetensors reads and writes the safetensors tensor file format,
// cem's checkpoint format and the one Hugging Face tools exchange.
//
// A file is
//
//	8 bytes    N, the header length, little-endian uint64
//	N bytes    a JSON object: for each tensor name
//	             {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}
//	           and optionally "__metadata__": {string: string}; the writer
//	           pads it with spaces to a multiple of 8 bytes
//	the rest   the data buffer; offsets are relative to its start
//
// Tensor data is stored row-major (C order) and little-endian.
//
// ReadFile and Parse validate everything the reference implementation
// does and more: the header length against the file size and a 100 MB
// ceiling, the JSON syntax, duplicate or empty names, unknown dtypes and
// fields, negative shapes, element counts against byte ranges, and that the
// byte ranges tile the data buffer exactly (no holes, overlaps or bytes
// outside any tensor). Every failure is an error naming the file and, where
// there is one, the tensor.
package safetensors
