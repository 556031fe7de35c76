/* schema_lint.c - checks that a schema uses conform's JSON Schema subset correctly. */
#include "contract/schema.h"
#include "contract/schema_internal.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/limits.h"
#include "base/timefmt.h"

/* ---- lint -------------------------------------------------------------------------------- */

typedef struct {
    cf_diags *out; /* may be NULL: only count */
    const char *file;
    size_t count;
} lctx;

static void finding(lctx *l, const char *path, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

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

/* Every keyword the subset knows, with the types it applies to (0: any). */
static const struct {
    const char *name;
    unsigned applies;
} keywords[] = {
    {"type", 0},
    {"required", CF_SCHEMA_T_OBJECT},
    {"properties", CF_SCHEMA_T_OBJECT},
    {"additionalProperties", CF_SCHEMA_T_OBJECT},
    {"items", CF_SCHEMA_T_ARRAY},
    {"minLength", CF_SCHEMA_T_STRING},
    {"maxLength", CF_SCHEMA_T_STRING},
    {"minimum", CF_SCHEMA_T_INTEGER | CF_SCHEMA_T_NUMBER},
    {"maximum", CF_SCHEMA_T_INTEGER | CF_SCHEMA_T_NUMBER},
    {"enum", 0},
    {"format", CF_SCHEMA_T_STRING},
    {"x-https", CF_SCHEMA_T_STRING},
    {"x-millis", CF_SCHEMA_T_STRING},
    {"description", 0},
    {"title", 0},
};
#define KEYWORD_COUNT (sizeof(keywords) / sizeof(keywords[0]))

/* Edit distance between short strings, case-insensitive; large when either is too long. */
static size_t distance(const char *a, const char *b)
{
    enum { N = 32 };
    size_t la = strlen(a), lb = strlen(b);
    if (la >= N || lb >= N)
        return (size_t)-1;
    size_t row[N];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = cf_schema_lower(a[i - 1]) == cf_schema_lower(b[j - 1]) ? 0 : 1;
            size_t best = diag + cost;
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static void lint_schema(lctx *l, const cJSON *schema, const char *path, int depth);

static void lint_unknown(lctx *l, const char *key, const char *path)
{
    char name[VALUE_MAX];
    cf_schema_render_string(key, strlen(key), name, sizeof(name));
    const char *best = NULL;
    size_t best_d = 3; /* suggest only close names */
    for (size_t i = 0; i < KEYWORD_COUNT; i++) {
        size_t d = distance(key, keywords[i].name);
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
        cf_path_index(sub, sizeof(sub), path, index);
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
        cf_path_index(sub, sizeof(sub), path, index);
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
        if (closed && !cJSON_GetObjectItemCaseSensitive(properties, r->valuestring))
            finding(l, sub,
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
        finding(l, path, "\"enum\" is empty: no value can pass");
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
        cf_path_index(sub, sizeof(sub), path, index);
        cf_schema_render_value(e, got, sizeof(got));
        finding(l, sub, "enum value %s does not have type %s: it can never pass", got, want);
    }
}

/* minLength <= maxLength, minimum <= maximum. */
static void lint_ranges(lctx *l, const cJSON *schema, const char *path)
{
    static const char *const pairs[][2] = {{"minLength", "maxLength"}, {"minimum", "maximum"}};
    for (size_t i = 0; i < 2; i++) {
        const cJSON *lo = cf_schema_keyword(schema, pairs[i][0]);
        const cJSON *hi = cf_schema_keyword(schema, pairs[i][1]);
        if (!cJSON_IsNumber(lo) || !cJSON_IsNumber(hi) || !(lo->valuedouble > hi->valuedouble))
            continue;
        char sub[CF_PATH_MAX];
        char a[64];
        char b[64];
        cf_path_key(sub, sizeof(sub), path, pairs[i][0]);
        cf_schema_render_number(lo->valuedouble, a, sizeof(a));
        cf_schema_render_number(hi->valuedouble, b, sizeof(b));
        finding(l, sub, "%s %s exceeds %s %s: no value can pass", pairs[i][0], a, pairs[i][1], b);
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
        if (!cJSON_IsObject(kw)) {
            finding(l, sub, "\"properties\" must be an object of schemas");
            return;
        }
        for (const cJSON *p = kw->child; p; p = p->next) {
            char psub[CF_PATH_MAX];
            cf_path_key(psub, sizeof(psub), sub, p->string ? p->string : "");
            lint_schema(l, p, psub, depth + 1);
        }
    } else if (strcmp(key, "additionalProperties") == 0) {
        if (cJSON_IsObject(kw))
            lint_schema(l, kw, sub, depth + 1);
        else if (!cJSON_IsBool(kw))
            finding(l, sub, "\"additionalProperties\" must be a boolean or a schema");
    } else if (strcmp(key, "items") == 0) {
        if (cJSON_IsArray(kw))
            finding(l, sub, "\"items\" as an array (tuple form) is not supported");
        else
            lint_schema(l, kw, sub, depth + 1);
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
        } else if (strcmp(kw->valuestring, "date-time") != 0 &&
                   strcmp(kw->valuestring, "uri") != 0) {
            char name[VALUE_MAX];
            cf_schema_render_string(kw->valuestring, strlen(kw->valuestring), name, sizeof(name));
            finding(l, sub, "unknown format %s (supported: date-time, uri)", name);
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
}

static void lint_schema(lctx *l, const cJSON *schema, const char *path, int depth)
{
    if (!cJSON_IsObject(schema)) {
        finding(l, path, "a schema must be an object, got %s", cf_schema_instance_type(schema));
        return;
    }
    if (depth > CF_MAX_JSON_DEPTH) {
        finding(l, path, "schema nested deeper than %d levels", CF_MAX_JSON_DEPTH);
        return;
    }
    const cJSON *type = cf_schema_keyword(schema, "type");
    char sub[CF_PATH_MAX];
    unsigned types = 0;
    if (type) {
        cf_path_key(sub, sizeof(sub), path, "type");
        types = lint_type(l, type, sub);
    }
    for (const cJSON *kw = schema->child; kw; kw = kw->next) {
        const char *key = kw->string ? kw->string : "";
        cf_path_key(sub, sizeof(sub), path, key);
        size_t k = 0;
        while (k < KEYWORD_COUNT && strcmp(keywords[k].name, key) != 0)
            k++;
        if (k == KEYWORD_COUNT) {
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
            finding(l, sub, "\"%s\" has no effect on type %s", key, declared);
        }
        if (strcmp(key, "type") != 0)
            lint_keyword(l, schema, kw, types, sub, depth);
    }
    lint_ranges(l, schema, path);
}

size_t cf_schema_lint(const cJSON *schema, const char *file, const char *base, cf_diags *out)
{
    lctx l = {out, file, 0};
    if (!schema)
        return 0;
    lint_schema(&l, schema, base ? base : "", 0);
    return l.count;
}
