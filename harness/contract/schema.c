/* schema.c - the JSON Schema subset: validating instances and linting schemas. */
#include "contract/schema.h"
#include "contract/schema_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/timefmt.h"

/* ---- UTF-8 ------------------------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (n bytes available); 0 when invalid (overlong
 * forms, surrogates and code points past U+10FFFF are invalid). */
static size_t utf8_sequence(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t need;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        need = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        need = 3;
    else if (c >= 0xF0 && c <= 0xF4)
        need = 4;
    else
        return 0;
    if (n < need)
        return 0;
    for (size_t i = 1; i < need; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F) || (c == 0xF0 && s[1] < 0x90) ||
        (c == 0xF4 && s[1] > 0x8F))
        return 0;
    return need;
}

size_t cf_utf8_length(const char *s, size_t len)
{
    if (!s)
        return len == 0 ? 0 : (size_t)-1;
    const unsigned char *p = (const unsigned char *)s;
    size_t count = 0;
    for (size_t i = 0; i < len; count++) {
        size_t n = utf8_sequence(p + i, len - i);
        if (n == 0)
            return (size_t)-1;
        i += n;
    }
    return count;
}

/* ---- rendering values for messages ------------------------------------------------------- */

/* Appends to out (size n, always NUL-terminated) at *at; silently truncates. */
static void put(char *out, size_t n, size_t *at, const char *s)
{
    while (*s && *at + 1 < n)
        out[(*at)++] = *s++;
    out[*at < n ? *at : n - 1] = '\0';
}

/* A number as short as it can be while reading back the same double. */
void cf_schema_render_number(double x, char *out, size_t n)
{
    if (isnan(x)) {
        snprintf(out, n, "NaN");
        return;
    }
    if (isinf(x)) {
        snprintf(out, n, "%s", x < 0 ? "-Infinity" : "Infinity");
        return;
    }
    snprintf(out, n, "%.15g", x);
    if (strtod(out, NULL) != x)
        snprintf(out, n, "%.17g", x);
}

/* A string quoted and escaped like JSON, cut after QUOTE_MAX bytes with "...". Invalid UTF-8
 * bytes are shown as \xNN so messages stay valid UTF-8. */
void cf_schema_render_string(const char *s, size_t len, char *out, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t at = 0;
    char tmp[16];
    put(out, n, &at, "\"");
    size_t i = 0;
    while (i < len && i < QUOTE_MAX) {
        unsigned char c = p[i];
        if (c == '"' || c == '\\') {
            snprintf(tmp, sizeof(tmp), "\\%c", c);
            i++;
        } else if (c == '\n' || c == '\r' || c == '\t') {
            snprintf(tmp, sizeof(tmp), "\\%c", c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
            i++;
        } else if (c < 0x20 || c == 0x7F) {
            snprintf(tmp, sizeof(tmp), "\\u%04x", c);
            i++;
        } else if (c < 0x80) {
            tmp[0] = (char)c;
            tmp[1] = '\0';
            i++;
        } else {
            size_t k = utf8_sequence(p + i, len - i);
            if (k == 0) {
                snprintf(tmp, sizeof(tmp), "\\x%02X", c);
                i++;
            } else {
                memcpy(tmp, p + i, k);
                tmp[k] = '\0';
                i += k;
            }
        }
        put(out, n, &at, tmp);
    }
    if (i < len)
        put(out, n, &at, "...");
    put(out, n, &at, "\"");
}

static int is_integral(double x)
{
    return isfinite(x) && floor(x) == x;
}

/* One value, short: strings quoted, numbers, literals; containers as {...} and [...]. */
void cf_schema_render_value(const cJSON *v, char *out, size_t n)
{
    if (cJSON_IsString(v) && v->valuestring)
        cf_schema_render_string(v->valuestring, strlen(v->valuestring), out, n);
    else if (cJSON_IsNumber(v))
        cf_schema_render_number(v->valuedouble, out, n);
    else if (cJSON_IsTrue(v))
        snprintf(out, n, "true");
    else if (cJSON_IsFalse(v))
        snprintf(out, n, "false");
    else if (cJSON_IsNull(v))
        snprintf(out, n, "null");
    else if (cJSON_IsObject(v))
        snprintf(out, n, "{...}");
    else if (cJSON_IsArray(v))
        snprintf(out, n, "[...]");
    else
        snprintf(out, n, "(invalid value)");
}

/* ---- types ------------------------------------------------------------------------------- */

static const char *const type_names[] = {"object", "array",   "string", "integer",
                                         "number", "boolean", "null"};
#define TYPE_COUNT (sizeof(type_names) / sizeof(type_names[0]))

/* The bit of a type name; 0 when unknown. */
unsigned cf_schema_type_bit(const char *name)
{
    for (size_t i = 0; i < TYPE_COUNT; i++)
        if (strcmp(name, type_names[i]) == 0)
            return 1u << i;
    return 0;
}

/* The most specific type name of an instance ("integer" for 3 and 3.0). */
const char *cf_schema_instance_type(const cJSON *v)
{
    if (cJSON_IsObject(v))
        return "object";
    if (cJSON_IsArray(v))
        return "array";
    if (cJSON_IsString(v))
        return "string";
    if (cJSON_IsNumber(v))
        return is_integral(v->valuedouble) ? "integer" : "number";
    if (cJSON_IsBool(v))
        return "boolean";
    if (cJSON_IsNull(v))
        return "null";
    return "invalid";
}

/* Whether the instance has one of the types in `mask`; a number is an integer when it has no
 * fractional part (and is finite). */
int cf_schema_type_accepts(unsigned mask, const cJSON *v)
{
    unsigned bit = cf_schema_type_bit(cf_schema_instance_type(v));
    if (bit == CF_SCHEMA_T_INTEGER && (mask & CF_SCHEMA_T_NUMBER))
        return 1;
    return (mask & bit) != 0;
}

/* The types a "type" keyword names: 1 and *mask when well formed, else 0. */
static int type_mask(const cJSON *type, unsigned *mask)
{
    *mask = 0;
    if (cJSON_IsString(type) && type->valuestring) {
        *mask = cf_schema_type_bit(type->valuestring);
        return *mask != 0;
    }
    if (!cJSON_IsArray(type) || !type->child)
        return 0;
    for (const cJSON *t = type->child; t; t = t->next) {
        unsigned bit = cJSON_IsString(t) && t->valuestring ? cf_schema_type_bit(t->valuestring) : 0;
        if (!bit)
            return 0;
        *mask |= bit;
    }
    return 1;
}

/* "string", or "string or null" for a mask. */
void cf_schema_render_types(unsigned mask, char *out, size_t n)
{
    size_t at = 0;
    out[0] = '\0';
    for (size_t i = 0; i < TYPE_COUNT; i++) {
        if (!(mask & (1u << i)))
            continue;
        if (at)
            put(out, n, &at, " or ");
        put(out, n, &at, type_names[i]);
    }
}

/* A non-negative integer count (minLength, maxLength). */
int cf_schema_is_count(const cJSON *v)
{
    return cJSON_IsNumber(v) && is_integral(v->valuedouble) && v->valuedouble >= 0;
}

const cJSON *cf_schema_keyword(const cJSON *schema, const char *name)
{
    return cJSON_GetObjectItemCaseSensitive(schema, name);
}

/* ---- formats ----------------------------------------------------------------------------- */

static int is_alpha(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

char cf_schema_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Absolute URI: scheme ":" non-empty rest, no spaces or control characters anywhere. */
static int uri_is_absolute(const char *s)
{
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7F)
            return 0;
    if (!is_alpha(s[0]))
        return 0;
    size_t i = 1;
    while (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '+' || s[i] == '.' || s[i] == '-')
        i++;
    return s[i] == ':' && s[i + 1] != '\0';
}

/* Whether an absolute URI's scheme is https (any case). */
static int uri_is_https(const char *s)
{
    static const char want[] = "https:";
    for (size_t i = 0; i < sizeof(want) - 1; i++)
        if (cf_schema_lower(s[i]) != want[i])
            return 0;
    return 1;
}

/* Whether "https://" is followed by a non-empty host (after any userinfo, before any port). */
static int uri_has_host(const char *s)
{
    if (strncmp(s + 6, "//", 2) != 0)
        return 0;
    const char *auth = s + 8;
    size_t end = strcspn(auth, "/?#");
    size_t host = 0;
    for (size_t i = 0; i < end; i++)
        if (auth[i] == '@')
            host = i + 1;
    if (host < end && auth[host] == '[') {
        const char *close = memchr(auth + host, ']', end - host);
        return close && close > auth + host + 1;
    }
    size_t host_end = host;
    while (host_end < end && auth[host_end] != ':')
        host_end++;
    return host_end > host;
}

/* ---- validation -------------------------------------------------------------------------- */

typedef struct {
    cf_diags *out; /* may be NULL: only count */
    size_t count;
} vctx;

static void violation(vctx *v, const char *path, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void violation(vctx *v, const char *path, const char *fmt, ...)
{
    char msg[MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    v->count++;
    if (v->out)
        cf_diags_add(v->out, NULL, path, "%s", msg);
}

static void validate(vctx *v, const cJSON *schema, const cJSON *inst, const char *path, int depth);

/* 1 when the instance has a declared type or "type" is malformed (reported), 0 on mismatch. */
static int check_type(vctx *v, const cJSON *type, const cJSON *inst, const char *path)
{
    unsigned mask;
    if (!type_mask(type, &mask)) {
        violation(v, path,
                  "malformed schema: \"type\" must name object, array, string, integer, number, "
                  "boolean or null (or be a non-empty array of them)");
        return 1;
    }
    if (cf_schema_type_accepts(mask, inst))
        return 1;
    char want[128];
    cf_schema_render_types(mask, want, sizeof(want));
    violation(v, path, "expected type %s, got %s", want, cf_schema_instance_type(inst));
    return 0;
}

static void check_enum(vctx *v, const cJSON *values, const cJSON *inst, const char *path)
{
    if (!cJSON_IsArray(values)) {
        violation(v, path, "malformed schema: \"enum\" must be an array");
        return;
    }
    for (const cJSON *e = values->child; e; e = e->next)
        if (cJSON_Compare(e, inst, 1))
            return;
    char got[VALUE_MAX];
    char allowed[320];
    char one[VALUE_MAX];
    size_t at = 0;
    allowed[0] = '\0';
    for (const cJSON *e = values->child; e; e = e->next) {
        cf_schema_render_value(e, one, sizeof(one));
        if (at + strlen(one) + 8 >= sizeof(allowed)) {
            put(allowed, sizeof(allowed), &at, ", ...");
            break;
        }
        if (at)
            put(allowed, sizeof(allowed), &at, ", ");
        put(allowed, sizeof(allowed), &at, one);
    }
    cf_schema_render_value(inst, got, sizeof(got));
    if (at)
        violation(v, path, "%s is not one of the allowed values: %s", got, allowed);
    else
        violation(v, path, "%s is not one of the allowed values (the enum is empty)", got);
}

static void check_format(vctx *v, const cJSON *schema, const char *s, const char *path)
{
    const cJSON *format = cf_schema_keyword(schema, "format");
    if (!format)
        return;
    if (!cJSON_IsString(format) || !format->valuestring) {
        violation(v, path, "malformed schema: \"format\" must be a string");
        return;
    }
    char shown[VALUE_MAX];
    cf_schema_render_string(s, strlen(s), shown, sizeof(shown));
    if (strcmp(format->valuestring, "date-time") == 0) {
        const cJSON *millis = cf_schema_keyword(schema, "x-millis");
        if (millis && !cJSON_IsBool(millis))
            violation(v, path, "malformed schema: \"x-millis\" must be a boolean");
        if (!cf_time_parse_rfc3339(s, strlen(s), NULL))
            violation(v, path, "%s is not an RFC 3339 date-time", shown);
        else if (cJSON_IsTrue(millis) && !cf_time_is_iso_millis(s, strlen(s)))
            violation(v, path,
                      "%s is not in the millisecond form yyyy-MM-ddThh:mm:ss.SSSZ (x-millis)",
                      shown);
    } else if (strcmp(format->valuestring, "uri") == 0) {
        const cJSON *https = cf_schema_keyword(schema, "x-https");
        if (https && !cJSON_IsBool(https))
            violation(v, path, "malformed schema: \"x-https\" must be a boolean");
        if (!uri_is_absolute(s))
            violation(v, path, "%s is not an absolute URI", shown);
        else if (cJSON_IsTrue(https) && !uri_is_https(s))
            violation(v, path, "%s is not an https URI (x-https)", shown);
        else if (cJSON_IsTrue(https) && !uri_has_host(s))
            violation(v, path, "%s has no host after \"https://\"", shown);
    } else {
        char name[VALUE_MAX];
        cf_schema_render_string(format->valuestring, strlen(format->valuestring), name,
                                sizeof(name));
        violation(v, path, "malformed schema: unknown format %s", name);
    }
}

static void check_string(vctx *v, const cJSON *schema, const cJSON *inst, const char *path)
{
    const char *s = inst->valuestring ? inst->valuestring : "";
    const cJSON *min = cf_schema_keyword(schema, "minLength");
    const cJSON *max = cf_schema_keyword(schema, "maxLength");
    if (min && !cf_schema_is_count(min)) {
        violation(v, path, "malformed schema: \"minLength\" must be a non-negative integer");
        min = NULL;
    }
    if (max && !cf_schema_is_count(max)) {
        violation(v, path, "malformed schema: \"maxLength\" must be a non-negative integer");
        max = NULL;
    }
    if (min || max) {
        size_t length = cf_utf8_length(s, strlen(s));
        char limit[64];
        if (length == (size_t)-1) {
            violation(v, path, "string is not valid UTF-8, so its length cannot be checked");
        } else if (min && (double)length < min->valuedouble) {
            cf_schema_render_number(min->valuedouble, limit, sizeof(limit));
            violation(v, path, "length %zu is below minLength %s", length, limit);
        } else if (max && (double)length > max->valuedouble) {
            cf_schema_render_number(max->valuedouble, limit, sizeof(limit));
            violation(v, path, "length %zu exceeds maxLength %s", length, limit);
        }
    }
    check_format(v, schema, s, path);
}

static void check_number(vctx *v, const cJSON *schema, const cJSON *inst, const char *path)
{
    const cJSON *min = cf_schema_keyword(schema, "minimum");
    const cJSON *max = cf_schema_keyword(schema, "maximum");
    double x = inst->valuedouble;
    char got[64];
    char limit[64];
    cf_schema_render_number(x, got, sizeof(got));
    if (min && !cJSON_IsNumber(min)) {
        violation(v, path, "malformed schema: \"minimum\" must be a number");
    } else if (min && !(x >= min->valuedouble)) { /* NaN fails too */
        cf_schema_render_number(min->valuedouble, limit, sizeof(limit));
        violation(v, path, "value %s is below minimum %s", got, limit);
    }
    if (max && !cJSON_IsNumber(max)) {
        violation(v, path, "malformed schema: \"maximum\" must be a number");
    } else if (max && !(x <= max->valuedouble)) {
        cf_schema_render_number(max->valuedouble, limit, sizeof(limit));
        violation(v, path, "value %s exceeds maximum %s", got, limit);
    }
}

static void check_object(vctx *v, const cJSON *schema, const cJSON *inst, const char *path,
                         int depth)
{
    const cJSON *required = cf_schema_keyword(schema, "required");
    if (required) {
        int malformed = !cJSON_IsArray(required);
        for (const cJSON *r = malformed ? NULL : required->child; r; r = r->next) {
            if (!cJSON_IsString(r) || !r->valuestring) {
                malformed = 1;
                continue;
            }
            if (!cJSON_GetObjectItemCaseSensitive(inst, r->valuestring)) {
                char name[VALUE_MAX];
                cf_schema_render_string(r->valuestring, strlen(r->valuestring), name, sizeof(name));
                violation(v, path, "missing required member %s", name);
            }
        }
        if (malformed)
            violation(v, path, "malformed schema: \"required\" must be an array of strings");
    }

    const cJSON *properties = cf_schema_keyword(schema, "properties");
    if (properties && !cJSON_IsObject(properties)) {
        violation(v, path, "malformed schema: \"properties\" must be an object");
        properties = NULL;
    }
    const cJSON *additional = cf_schema_keyword(schema, "additionalProperties");
    if (additional && !cJSON_IsBool(additional) && !cJSON_IsObject(additional)) {
        violation(v, path,
                  "malformed schema: \"additionalProperties\" must be a boolean or a schema");
        additional = NULL;
    }

    for (const cJSON *m = inst->child; m; m = m->next) {
        const char *key = m->string ? m->string : "";
        char sub[CF_PATH_MAX];
        cf_path_key(sub, sizeof(sub), path, key);
        const cJSON *ps = properties ? cJSON_GetObjectItemCaseSensitive(properties, key) : NULL;
        if (ps) {
            validate(v, ps, m, sub, depth + 1);
        } else if (cJSON_IsFalse(additional)) {
            char name[VALUE_MAX];
            cf_schema_render_string(key, strlen(key), name, sizeof(name));
            violation(v, sub, "unexpected member %s (additionalProperties is false)", name);
        } else if (cJSON_IsObject(additional)) {
            validate(v, additional, m, sub, depth + 1);
        }
    }
}

static void check_array(vctx *v, const cJSON *schema, const cJSON *inst, const char *path,
                        int depth)
{
    const cJSON *items = cf_schema_keyword(schema, "items");
    if (!items)
        return;
    if (cJSON_IsArray(items)) {
        violation(v, path, "malformed schema: \"items\" as an array (tuple form) is not supported");
        return;
    }
    if (!cJSON_IsObject(items) && !cJSON_IsBool(items)) {
        violation(v, path, "malformed schema: \"items\" must be a schema");
        return;
    }
    size_t index = 0;
    for (const cJSON *e = inst->child; e; e = e->next, index++) {
        char sub[CF_PATH_MAX];
        cf_path_index(sub, sizeof(sub), path, index);
        validate(v, items, e, sub, depth + 1);
    }
}

static void validate(vctx *v, const cJSON *schema, const cJSON *inst, const char *path, int depth)
{
    if (cJSON_IsTrue(schema))
        return;
    if (cJSON_IsFalse(schema)) {
        violation(v, path, "no value is allowed here (the schema is false)");
        return;
    }
    if (!cJSON_IsObject(schema)) {
        violation(v, path, "malformed schema: a schema must be an object");
        return;
    }
    if (depth > CF_MAX_JSON_DEPTH) {
        violation(v, path, "nesting deeper than %d levels is not validated", CF_MAX_JSON_DEPTH);
        return;
    }
    const cJSON *type = cf_schema_keyword(schema, "type");
    if (type && !check_type(v, type, inst, path))
        return; /* the other keywords would only repeat the mismatch */
    const cJSON *values = cf_schema_keyword(schema, "enum");
    if (values)
        check_enum(v, values, inst, path);
    if (cJSON_IsString(inst))
        check_string(v, schema, inst, path);
    else if (cJSON_IsNumber(inst))
        check_number(v, schema, inst, path);
    else if (cJSON_IsObject(inst))
        check_object(v, schema, inst, path, depth);
    else if (cJSON_IsArray(inst))
        check_array(v, schema, inst, path, depth);
}

size_t cf_schema_validate(const cJSON *schema, const cJSON *instance, const char *base,
                          cf_diags *out)
{
    vctx v = {out, 0};
    const char *path = base ? base : "";
    if (!schema)
        return 0;
    if (!instance) {
        violation(&v, path, "no value to validate (the value is missing)");
        return v.count;
    }
    validate(&v, schema, instance, path, 0);
    return v.count;
}
