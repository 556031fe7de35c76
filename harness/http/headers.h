/* headers.h - plain HTTP message types shared by the serializer, transport, response parser and
 * mock: headers as owned name/value pairs. */
#ifndef CF_HEADERS_H
#define CF_HEADERS_H

#include <stddef.h>

#include "base/rc.h"

typedef struct {
    char *name;
    char *value;
} cf_header;

/* Memory: owns names and values (a header's name and value are one allocation, freed through
 * `name`); zero-initialised is empty; cleanup accepts NULL. */
typedef struct {
    cf_header *items;
    size_t count;
    size_t cap;
} cf_headers;

void cf_headers_cleanup(cf_headers *h);
/* Appends a header (copies). Fails with CF_E_INVALID when name or value holds CR, LF or NUL
 * (header injection), or the name is empty or has characters outside RFC 9110's token;
 * CF_E_TOO_LARGE past CF_MAX_HEADER_COUNT. */
CF_WUR cf_rc cf_headers_add(cf_headers *h, const char *name, const char *value);
/* Same with explicit lengths (response lines); value trimmed of surrounding spaces/tabs. */
CF_WUR cf_rc cf_headers_addn(cf_headers *h, const char *name, size_t name_len, const char *value,
                             size_t value_len);
/* Appends ' ' and text[0..len) to the last header's value (a folded response line); the
 * caller has checked the text. CF_E_INVALID when the list is empty. */
CF_WUR cf_rc cf_headers_extend_last(cf_headers *h, const char *text, size_t len);
/* Removes every header of that name (case-insensitive). */
void cf_headers_remove(cf_headers *h, const char *name);
/* First value of that name (case-insensitive); NULL when absent. */
const char *cf_headers_get(const cf_headers *h, const char *name);

/* Whether `s` is a valid header field name (RFC 9110 token). */
int cf_http_is_token(const char *s, size_t len);
/* Media type of a Content-Type value equals `want` (case-insensitive, parameters ignored). */
int cf_http_media_type_is(const char *content_type, const char *want);

#endif
