package tokenizer

import "strings"

// byteRune maps each byte to the printable code point GPT-2 uses for it in
// vocabulary strings: the printable Latin-1 bytes '!'..'~', '¡'..'¬' and
// '®'..'ÿ' stand for themselves; the other 68 bytes take the code points
// 256, 257, ... in byte order.
var byteRune = func() [256]rune {
	var m [256]rune
	next := rune(256)
	for b := range 256 {
		switch {
		case b >= '!' && b <= '~', b >= 0xA1 && b <= 0xAC, b >= 0xAE && b <= 0xFF:
			m[b] = rune(b)
		default:
			m[b] = next
			next++
		}
	}
	return m
}()

// runeByte inverts byteRune: runeByte[r] is the byte for code point r, or
// -1 when r stands for no byte. Every image of byteRune is below 324.
var runeByte = func() [324]int16 {
	var m [324]int16
	for i := range m {
		m[i] = -1
	}
	for b, r := range byteRune {
		m[r] = int16(b)
	}
	return m
}()

// ByteToUnicode returns s with each byte replaced by its GPT-2 byte-level
// code point, the form vocabulary strings take in GPT-2 style tokenizer
// files (tokenizer.json, GGUF).
func ByteToUnicode(s string) string {
	var sb strings.Builder
	sb.Grow(len(s) * 2)
	for i := 0; i < len(s); i++ {
		sb.WriteRune(byteRune[s[i]])
	}
	return sb.String()
}

// UnicodeToByte inverts ByteToUnicode. It reports false when u holds
// invalid UTF-8 or a code point that stands for no byte.
func UnicodeToByte(u string) (string, bool) {
	b := make([]byte, 0, len(u))
	for _, r := range u {
		// An invalid byte decodes as utf8.RuneError, which is out of range.
		if r < 0 || int(r) >= len(runeByte) || runeByte[r] < 0 {
			return "", false
		}
		b = append(b, byte(runeByte[r]))
	}
	return string(b), true
}
