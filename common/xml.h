/* xml.h - text for XML (SVG, HTML) on stdout: escaped, valid UTF-8 */
#ifndef FP_XML_H
#define FP_XML_H

#include <stddef.h>

/*
 * Names come from profilers as bytes: any of them may be <>&"' or not
 * UTF-8 at all. xml_put() writes them as character data that is safe in
 * an element and in an attribute: < > & " ' as entities; a byte that does
 * not start a valid UTF-8 sequence (overlong forms, surrogates and
 * values over U+10FFFF included), a control character other than TAB and
 * LF and CR, and U+FFFE/U+FFFF (not XML characters) each become U+FFFD.
 */
/* Write s[0..n) escaped; with max >= 2, at most max characters: a longer
 * text is cut to max - 2 and ".." is added. Returns the characters of s
 * written. */
size_t xml_put(const char *s, size_t n, size_t max);
/* s[0..n) as a JSON string (quotes included) that is safe inside an
 * HTML <script> element: < > & as \u003c \u003e \u0026, the rest as
 * xml_put() (an invalid byte, a control character: \ufffd). */
void xml_json_put(const char *s, size_t n);
/* The number of characters (code points, an invalid byte counting one). */
size_t xml_chars(const char *s, size_t n);

#endif
