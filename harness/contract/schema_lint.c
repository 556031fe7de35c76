/* schema_lint.c - checks a schema before use: what the validator cannot evaluate is refused,
 * naming the keyword; what no value can pass is warned about. */
#include "contract/schema.h"
#include "contract/schema_internal.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/limits.h"
#include "base/str.h"
#include "base/timefmt.h"

/* ---- lint -------------------------------------------------------------------------------- */

typedef struct {
    cf_diags *out; /* may be NULL: only count */
    const char *file;
    size_t count;
    const cf_schema *compiled; /* its problems are reported where the walk meets them */
    int draft4;
    int open_formats; /* 1: unknown formats only warn (cf_schema_lint_open) */
} lctx;

static void finding(lctx *l, const char *path, const char *fmt, ...) CF_PRINTF(3, 4);

static void finding(lctx *l, const char *path, const char *fmt, ...)
{
    char msg[MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    l->count++;
    if (l->out)
        cf_diags_add(l->out, l->file, path, "%s", msg);
}

/* A finding that does not fail the lint: the schema is legal but no value can pass it. */
static void warning(lctx *l, const char *path, const char *fmt, ...) CF_PRINTF(3, 4);

static void warning(lctx *l, const char *path, const char *fmt, ...)
{
    char msg[MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (l->out)
        cf_diags_add(l->out, l->file, path, "warning: %s", msg);
}

enum { K_VALUE, K_SCHEMA, K_MAP, K_LIST, K_ITEMS, K_DEPS };
#define T_NUM (CF_SCHEMA_T_INTEGER | CF_SCHEMA_T_NUMBER)

/* Every keyword the validator knows or accepts as an annotation, with the types it applies
 * to (0: any) and where its subschemas are. */
static const struct {
    const char *name;
    unsigned applies;
    int kind;
} keywords[] = {
    {"type", 0, K_VALUE},
    {"required", CF_SCHEMA_T_OBJECT, K_VALUE},
    {"properties", CF_SCHEMA_T_OBJECT, K_MAP},
    {"patternProperties", CF_SCHEMA_T_OBJECT, K_MAP},
    {"additionalProperties", CF_SCHEMA_T_OBJECT, K_SCHEMA},
    {"propertyNames", CF_SCHEMA_T_OBJECT, K_SCHEMA},
    {"minProperties", CF_SCHEMA_T_OBJECT, K_VALUE},
    {"maxProperties", CF_SCHEMA_T_OBJECT, K_VALUE},
    {"dependentRequired", CF_SCHEMA_T_OBJECT, K_VALUE},
    {"dependentSchemas", CF_SCHEMA_T_OBJECT, K_MAP},
    {"dependencies", CF_SCHEMA_T_OBJECT, K_DEPS},
    {"items", CF_SCHEMA_T_ARRAY, K_ITEMS},
    {"prefixItems", CF_SCHEMA_T_ARRAY, K_LIST},
    {"additionalItems", CF_SCHEMA_T_ARRAY, K_SCHEMA},
    {"contains", CF_SCHEMA_T_ARRAY, K_SCHEMA},
    {"minContains", CF_SCHEMA_T_ARRAY, K_VALUE},
    {"maxContains", CF_SCHEMA_T_ARRAY, K_VALUE},
    {"minItems", CF_SCHEMA_T_ARRAY, K_VALUE},
    {"maxItems", CF_SCHEMA_T_ARRAY, K_VALUE},
    {"uniqueItems", CF_SCHEMA_T_ARRAY, K_VALUE},
    {"minLength", CF_SCHEMA_T_STRING, K_VALUE},
    {"maxLength", CF_SCHEMA_T_STRING, K_VALUE},
    {"pattern", CF_SCHEMA_T_STRING, K_VALUE},
    {"format", 0, K_VALUE},
    {"x-https", CF_SCHEMA_T_STRING, K_VALUE},
    {"x-millis", CF_SCHEMA_T_STRING, K_VALUE},
    {"minimum", T_NUM, K_VALUE},
    {"maximum", T_NUM, K_VALUE},
    {"exclusiveMinimum", T_NUM, K_VALUE},
    {"exclusiveMaximum", T_NUM, K_VALUE},
    {"multipleOf", T_NUM, K_VALUE},
    {"enum", 0, K_VALUE},
    {"const", 0, K_VALUE},
    {"allOf", 0, K_LIST},
    {"anyOf", 0, K_LIST},
    {"oneOf", 0, K_LIST},
    {"not", 0, K_SCHEMA},
    {"if", 0, K_SCHEMA},
    {"then", 0, K_SCHEMA},
    {"else", 0, K_SCHEMA},
    {"$ref", 0, K_VALUE},
    {"$defs", 0, K_MAP},
    {"definitions", 0, K_MAP},
    {"$schema", 0, K_VALUE},
    {"$id", 0, K_VALUE},
    {"id", 0, K_VALUE},
    {"$comment", 0, K_VALUE},
    {"$anchor", 0, K_VALUE},
    {"nullable", 0, K_VALUE},
    {"discriminator", 0, K_VALUE},
    {"readOnly", 0, K_VALUE},
    {"writeOnly", 0, K_VALUE},
    {"xml", 0, K_VALUE},
    {"externalDocs", 0, K_VALUE},
    {"example", 0, K_VALUE},
    {"examples", 0, K_VALUE},
    {"default", 0, K_VALUE},
    {"deprecated", 0, K_VALUE},
    {"contentMediaType", CF_SCHEMA_T_STRING, K_VALUE},
    {"contentEncoding", CF_SCHEMA_T_STRING, K_VALUE},
    {"description", 0, K_VALUE},
    {"title", 0, K_VALUE},
};
#define KEYWORD_COUNT (sizeof(keywords) / sizeof(keywords[0]))

static void lint_schema(lctx *l, const cJSON *schema, const char *path, int depth);

static void lint_unknown(lctx *l, const char *key, const char *path)
{
    char name[VALUE_MAX];
    cf_schema_render_string(key, strlen(key), name, sizeof(name));
    const char *best = NULL;
    size_t best_d = 3; /* suggest only close names */
    for (size_t i = 0; i < KEYWORD_COUNT; i++) {
        size_t d = cf_str_distance(key, keywords[i].name);
        if (d < best_d) {
            best_d = d;
            best = keywords[i].name;
        }
    }
    if (best)
        finding(l, path, "unknown keyword %s (did you mean \"%s\"?)", name, best);
    else
        finding(l, path, "unknown keyword %s", name);
}

/* Lints "type"; returns the declared types (0 when absent or malformed). */
static unsigned lint_type(lctx *l, const cJSON *type, const char *path)
{
    char sub[CF_PATH_MAX];
    char name[VALUE_MAX];
    if (cJSON_IsString(type)) {
        unsigned bit = cf_schema_type_bit(type->valuestring);
        if (!bit) {
            cf_schema_render_string(type->valuestring, strlen(type->valuestring), name,
                                    sizeof(name));
            finding(l, path,
                    "unknown type %s (known: object, array, string, integer, number, boolean, "
                    "null)",
                    name);
        }
        return bit;
    }
    if (!cJSON_IsArray(type)) {
        finding(l, path, "\"type\" must be a type name or an array of type names");
        return 0;
    }
    if (!type->child) {
        finding(l, path, "\"type\" must not be an empty array");
        return 0;
    }
    unsigned mask = 0;
    int ok = 1;
    size_t index = 0;
    for (const cJSON *t = type->child; t; t = t->next, index++) {
        cf_diag_path_index(sub, sizeof(sub), path, index);
        if (!cJSON_IsString(t)) {
            finding(l, sub, "type names must be strings, got %s", cf_schema_instance_type(t));
            ok = 0;
            continue;
        }
        unsigned bit = cf_schema_type_bit(t->valuestring);
        cf_schema_render_string(t->valuestring, strlen(t->valuestring), name, sizeof(name));
        if (!bit) {
            finding(l, sub,
                    "unknown type %s (known: object, array, string, integer, number, boolean, "
                    "null)",
                    name);
            ok = 0;
        } else if (mask & bit) {
            finding(l, sub, "duplicate type %s", name);
        }
        mask |= bit;
    }
    return ok ? mask : 0;
}

static void lint_count(lctx *l, const cJSON *v, const char *name, const char *path)
{
    if (cf_schema_is_count(v))
        return;
    char got[VALUE_MAX];
    cf_schema_render_value(v, got, sizeof(got));
    finding(l, path, "\"%s\" must be a non-negative integer, got %s", name, got);
}

static void lint_required(lctx *l, const cJSON *schema, const cJSON *required, const char *path)
{
    if (!cJSON_IsArray(required)) {
        finding(l, path, "\"required\" must be an array of strings");
        return;
    }
    const cJSON *properties = cf_schema_keyword(schema, "properties");
    int closed = cJSON_IsFalse(cf_schema_keyword(schema, "additionalProperties"));
    size_t index = 0;
    for (const cJSON *r = required->child; r; r = r->next, index++) {
        char sub[CF_PATH_MAX];
        char name[VALUE_MAX];
        cf_diag_path_index(sub, sizeof(sub), path, index);
        if (!cJSON_IsString(r) || !r->valuestring) {
            finding(l, sub, "\"required\" entries must be strings, got %s",
                    cf_schema_instance_type(r));
            continue;
        }
        cf_schema_render_string(r->valuestring, strlen(r->valuestring), name, sizeof(name));
        for (const cJSON *p = required->child; p != r; p = p->next) {
            if (cJSON_IsString(p) && p->valuestring &&
                strcmp(p->valuestring, r->valuestring) == 0) {
                finding(l, sub, "duplicate required member %s", name);
                break;
            }
        }
        if (closed && !cJSON_GetObjectItemCaseSensitive(properties, r->valuestring) &&
            !cf_schema_keyword(schema, "patternProperties"))
            warning(l, sub,
                    "required member %s is not in \"properties\" and additionalProperties is "
                    "false: no object can pass",
                    name);
    }
}

static void lint_enum(lctx *l, const cJSON *values, unsigned types, const char *path)
{
    if (!cJSON_IsArray(values)) {
        finding(l, path, "\"enum\" must be an array");
        return;
    }
    if (!values->child) {
        warning(l, path, "\"enum\" is empty: no value can pass");
        return;
    }
    char want[128];
    cf_schema_render_types(types, want, sizeof(want));
    size_t index = 0;
    for (const cJSON *e = values->child; e; e = e->next, index++) {
        if (!types || cf_schema_type_accepts(types, e))
            continue;
        char sub[CF_PATH_MAX];
        char got[VALUE_MAX];
        cf_diag_path_index(sub, sizeof(sub), path, index);
        cf_schema_render_value(e, got, sizeof(got));
        warning(l, sub, "enum value %s does not have type %s: it can never pass", got, want);
    }
}

/* minLength <= maxLength, minimum <= maximum, ...: warnings, the schema is legal. */
static void lint_ranges(lctx *l, const cJSON *schema, const char *path)
{
    static const char *const pairs[][2] = {{"minLength", "maxLength"},
                                           {"minimum", "maximum"},
                                           {"minItems", "maxItems"},
                                           {"minProperties", "maxProperties"},
                                           {"minContains", "maxContains"}};
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        const cJSON *lo = cf_schema_keyword(schema, pairs[i][0]);
        const cJSON *hi = cf_schema_keyword(schema, pairs[i][1]);
        if (!cJSON_IsNumber(lo) || !cJSON_IsNumber(hi) || !(lo->valuedouble > hi->valuedouble))
            continue;
        char sub[CF_PATH_MAX];
        char a[64];
        char b[64];
        cf_diag_path_key(sub, sizeof(sub), path, pairs[i][0]);
        cf_schema_render_number(lo->valuedouble, a, sizeof(a));
        cf_schema_render_number(hi->valuedouble, b, sizeof(b));
        warning(l, sub, "%s %s exceeds %s %s: no value can pass", pairs[i][0], a, pairs[i][1], b);
    }
}

/* Keywords whose values this file checks itself, in more detail than the compiler's
 * problems (which are reported for every other keyword). */
static int lint_owns(const char *key)
{
    static const char *const own[] = {"type",        "required",   "enum",
                                      "minLength",   "maxLength",  "minimum",
                                      "maximum",     "properties", "additionalProperties",
                                      "format",      "x-https",    "x-millis",
                                      "description", "title"};
    for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
        if (strcmp(key, own[i]) == 0)
            return 1;
    return 0;
}

/* The compiled node of a schema object, found by its JSON. */
static const cf_schema_node *node_of(const lctx *l, const cJSON *schema)
{
    for (const cf_schema_node *n = l->compiled ? l->compiled->nodes : NULL; n; n = n->next_in_list)
        if (n->src == schema)
            return n;
    return NULL;
}

/* Reports the compiler's problems of one keyword (key NULL: of the schema itself). */
static void lint_problems(lctx *l, const cf_schema_node *n, const char *key, const char *path)
{
    if (!n)
        return;
    char want[CF_PATH_MAX];
    cf_diag_path_key(want, sizeof(want), "", key ? key : "");
    size_t base = strlen(n->spath);
    for (size_t i = 0; i < n->n_malformed; i++) {
        const char *rest = n->malformed[i].path + base;
        if (key ? strcmp(rest, want) == 0 : *rest == '\0')
            finding(l, path, "%s", n->malformed[i].message);
    }
}

static void lint_sub(lctx *l, const cJSON *kw, int kind, const char *sub, int depth)
{
    char psub[CF_PATH_MAX];
    size_t index = 0;
    if (kind == K_SCHEMA || (kind == K_ITEMS && !cJSON_IsArray(kw))) {
        if (cJSON_IsObject(kw) || cJSON_IsBool(kw))
            lint_schema(l, kw, sub, depth + 1);
        return;
    }
    if ((kind == K_MAP || kind == K_DEPS) && cJSON_IsObject(kw)) {
        for (const cJSON *p = kw->child; p; p = p->next) {
            if (kind == K_DEPS && cJSON_IsArray(p))
                continue;
            cf_diag_path_key(psub, sizeof(psub), sub, p->string ? p->string : "");
            lint_schema(l, p, psub, depth + 1);
        }
    } else if ((kind == K_LIST || kind == K_ITEMS) && cJSON_IsArray(kw)) {
        for (const cJSON *p = kw->child; p; p = p->next, index++) {
            cf_diag_path_index(psub, sizeof(psub), sub, index);
            lint_schema(l, p, psub, depth + 1);
        }
    }
}

/* Lints one keyword of a schema whose declared types are `types` (0: not declared). */
static void lint_keyword(lctx *l, const cJSON *schema, const cJSON *kw, unsigned types,
                         const char *sub, int depth)
{
    const char *key = kw->string;
    if (strcmp(key, "required") == 0) {
        lint_required(l, schema, kw, sub);
    } else if (strcmp(key, "properties") == 0) {
        if (!cJSON_IsObject(kw))
            finding(l, sub, "\"properties\" must be an object of schemas");
    } else if (strcmp(key, "additionalProperties") == 0) {
        if (!cJSON_IsBool(kw) && !cJSON_IsObject(kw))
            finding(l, sub, "\"additionalProperties\" must be a boolean or a schema");
    } else if (strcmp(key, "minLength") == 0 || strcmp(key, "maxLength") == 0) {
        lint_count(l, kw, key, sub);
    } else if (strcmp(key, "minimum") == 0 || strcmp(key, "maximum") == 0) {
        if (!cJSON_IsNumber(kw) || !isfinite(kw->valuedouble))
            finding(l, sub, "\"%s\" must be a number, got %s", key, cf_schema_instance_type(kw));
    } else if (strcmp(key, "enum") == 0) {
        lint_enum(l, kw, types, sub);
    } else if (strcmp(key, "format") == 0) {
        if (!cJSON_IsString(kw)) {
            finding(l, sub, "\"format\" must be a string, got %s", cf_schema_instance_type(kw));
        } else if (cf_schema_format_of(kw->valuestring) == CF_FMT_UNKNOWN) {
            char name[VALUE_MAX];
            cf_schema_render_string(kw->valuestring, strlen(kw->valuestring), name, sizeof(name));
            (l->open_formats ? warning : finding)(
                l, sub,
                "unknown format %s (supported: date-time, date, time, duration, email, "
                "hostname, ipv4, ipv6, uri, uri-reference, uuid, json-pointer, regex, int32, "
                "int64, float, double, byte)",
                name);
        }
    } else if (strcmp(key, "x-https") == 0 || strcmp(key, "x-millis") == 0) {
        const char *needs = key[2] == 'h' ? "uri" : "date-time";
        const cJSON *format = cf_schema_keyword(schema, "format");
        if (!cJSON_IsBool(kw))
            finding(l, sub, "\"%s\" must be a boolean, got %s", key, cf_schema_instance_type(kw));
        else if (!cJSON_IsString(format) || strcmp(format->valuestring, needs) != 0)
            finding(l, sub, "\"%s\" has no effect without \"format\": \"%s\"", key, needs);
    } else if (strcmp(key, "description") == 0 || strcmp(key, "title") == 0) {
        if (!cJSON_IsString(kw))
            finding(l, sub, "\"%s\" must be a string, got %s", key, cf_schema_instance_type(kw));
    }
    (void)depth;
}

static void lint_schema(lctx *l, const cJSON *schema, const char *path, int depth)
{
    if (cJSON_IsFalse(schema)) {
        if (depth == 0)
            warning(l, path, "the schema is false: no value can pass");
        return;
    }
    if (cJSON_IsTrue(schema))
        return;
    if (!cJSON_IsObject(schema)) {
        finding(l, path, "a schema must be an object, got %s", cf_schema_instance_type(schema));
        return;
    }
    if (depth > CF_MAX_JSON_DEPTH) {
        finding(l, path, "schema nested deeper than %d levels", CF_MAX_JSON_DEPTH);
        return;
    }
    const cf_schema_node *node = node_of(l, schema);
    lint_problems(l, node, NULL, path);
    const cJSON *type = cf_schema_keyword(schema, "type");
    char sub[CF_PATH_MAX];
    unsigned types = 0;
    if (type) {
        cf_diag_path_key(sub, sizeof(sub), path, "type");
        types = lint_type(l, type, sub);
    }
    int ref_only = l->draft4 && cJSON_IsString(cf_schema_keyword(schema, "$ref"));
    for (const cJSON *kw = schema->child; kw; kw = kw->next) {
        const char *key = kw->string ? kw->string : "";
        cf_diag_path_key(sub, sizeof(sub), path, key);
        size_t k = 0;
        while (k < KEYWORD_COUNT && strcmp(keywords[k].name, key) != 0)
            k++;
        if (k == KEYWORD_COUNT) {
            if (strncmp(key, "x-", 2) != 0)
                lint_unknown(l, key, sub);
            continue;
        }
        const cJSON *first = cf_schema_keyword(schema, key);
        if (first != kw) {
            finding(l, sub, "duplicate keyword \"%s\"", key);
            continue;
        }
        if (types && keywords[k].applies && !(types & keywords[k].applies)) {
            char declared[128];
            cf_schema_render_types(types, declared, sizeof(declared));
            warning(l, sub, "\"%s\" has no effect on type %s", key, declared);
        }
        if (ref_only && strcmp(key, "$ref") != 0)
            continue; /* draft-04 ignores siblings of $ref */
        if (!lint_owns(key))
            lint_problems(l, node, key, sub);
        if (strcmp(key, "type") != 0)
            lint_keyword(l, schema, kw, types, sub, depth);
        lint_sub(l, kw, keywords[k].kind, sub, depth);
    }
    lint_ranges(l, schema, path);
}

static size_t lint_with(const cJSON *schema, const cf_schema_options *opt, const char *file,
                        const char *base, cf_diags *out, int open_formats)
{
    lctx l = {out, file, 0, NULL, 0, open_formats};
    if (!schema)
        return 0;
    cf_schema *compiled = NULL;
    if (cf_schema_compile(schema, opt, &compiled) != CF_OK) {
        finding(&l, base ? base : "", "out of memory compiling the schema");
        return l.count;
    }
    l.compiled = compiled;
    l.draft4 = compiled->dialect == CF_SCHEMA_OAS30;
    lint_schema(&l, schema, base ? base : "", 0);
    cf_schema_free(compiled);
    return l.count;
}

size_t cf_schema_lint_with(const cJSON *schema, const cf_schema_options *opt, const char *file,
                           const char *base, cf_diags *out)
{
    return lint_with(schema, opt, file, base, out, 0);
}

size_t cf_schema_lint_open(const cJSON *schema, const cf_schema_options *opt, const char *file,
                           const char *base, cf_diags *out)
{
    return lint_with(schema, opt, file, base, out, 1);
}

size_t cf_schema_lint(const cJSON *schema, const char *file, const char *base, cf_diags *out)
{
    return cf_schema_lint_with(schema, NULL, file, base, out);
}
