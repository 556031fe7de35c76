/* schema_internal.h - what the validator (schema.c) and the linter (schema_lint.c) share: type
 * names as bits, value rendering for messages, small keyword helpers. */
#ifndef CF_SCHEMA_INTERNAL_H
#define CF_SCHEMA_INTERNAL_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* Longest piece of a string value quoted in a message, in bytes before escaping. */
#define QUOTE_MAX 64
/* Room for one rendered value (quoted and escaped, or a number). */
#define VALUE_MAX (QUOTE_MAX * 6 + 16)
/* Room for one message. */
#define MESSAGE_MAX 1024

const char *cf_schema_instance_type(const cJSON *v);
int cf_schema_is_count(const cJSON *v);
const cJSON *cf_schema_keyword(const cJSON *schema, const char *name);
char cf_schema_lower(char c);
void cf_schema_render_number(double x, char *out, size_t n);
void cf_schema_render_string(const char *s, size_t len, char *out, size_t n);
void cf_schema_render_types(unsigned mask, char *out, size_t n);
void cf_schema_render_value(const cJSON *v, char *out, size_t n);
int cf_schema_type_accepts(unsigned mask, const cJSON *v);
unsigned cf_schema_type_bit(const char *name);

/* Type names as bits, in the order of the validator's type_names. */
enum {
    CF_SCHEMA_T_OBJECT = 1 << 0,
    CF_SCHEMA_T_ARRAY = 1 << 1,
    CF_SCHEMA_T_STRING = 1 << 2,
    CF_SCHEMA_T_INTEGER = 1 << 3,
    CF_SCHEMA_T_NUMBER = 1 << 4,
    CF_SCHEMA_T_BOOLEAN = 1 << 5,
    CF_SCHEMA_T_NULL = 1 << 6,
};

#endif
