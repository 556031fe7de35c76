/* aws_schema.c - AWS shapes as JSON Schemas (2020-12), inlined, as restJson1 puts them on the
 * wire: bodies as JSON, timestamps as epoch seconds unless a trait says otherwise. */
#include "contract/aws_common.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"

/* One schema being built: the shapes open on the way down (a cycle is refused, since schemas
 * are inlined) and the node budget (a DAG of shared shapes inlines exponentially). */
typedef struct {
    aws_model *m;
    const char *ptr; /* where a refusal is reported */
    size_t nodes;
    size_t depth;
    size_t open[CF_MAX_JSON_DEPTH];
} walk;

static cJSON *shape_schema(walk *w, size_t index, const aws_constraints *mc, aws_loc loc);

/* The member's constraints over the shape's, field by field (Smithy lets a member override). */
static aws_constraints merged(const aws_constraints *shape, const aws_constraints *member)
{
    aws_constraints c = *shape;
    if (!member)
        return c;
    if (member->has_len_min)
        c.has_len_min = 1, c.len_min = member->len_min;
    if (member->has_len_max)
        c.has_len_max = 1, c.len_max = member->len_max;
    if (member->has_min)
        c.has_min = 1, c.min = member->min;
    if (member->has_max)
        c.has_max = 1, c.max = member->max;
    if (member->pattern)
        c.pattern = member->pattern;
    if (member->enums)
        c.enums = member->enums;
    if (member->ts)
        c.ts = member->ts;
    return c;
}

static int add_num(cJSON *o, const char *key, int has, double v)
{
    return !has || cJSON_AddNumberToObject(o, key, v) != NULL;
}

/* Smithy @pattern is a Java-style regex: "\\_" escapes a character that needs none. JSON Schema
 * means ECMA-262 with the u flag, which refuses such identity escapes, so the needless
 * backslash before punctuation other than the syntax characters is dropped; 0 when out of
 * memory. */
static int add_pattern(cJSON *o, const char *pattern)
{
    size_t n = strlen(pattern);
    char *out = malloc(n + 1);
    if (!out)
        return 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char next = (unsigned char)pattern[i + 1];
        if (pattern[i] == '\\' && next && next < 0x80 && ispunct(next) &&
            !strchr("^$\\.*+?()[]{}|/-", next)) {
            out[k++] = pattern[++i];
            continue;
        }
        out[k++] = pattern[i];
        if (pattern[i] == '\\' && next)
            out[k++] = pattern[++i];
    }
    out[k] = '\0';
    int ok = cJSON_AddStringToObject(o, "pattern", out) != NULL;
    free(out);
    return ok;
}

/* Adds the keywords the constraints give a schema of kind k; 0 on allocation failure. A
 * minimum length of 0 says nothing and is left out (botocore omits it where Smithy writes it). */
static int add_constraints(cJSON *o, aws_kind k, const aws_constraints *c)
{
    int ok = 1;
    switch (k) {
    case AWS_STRING:
        ok = add_num(o, "minLength", c->has_len_min && c->len_min > 0, c->len_min) &&
             add_num(o, "maxLength", c->has_len_max, c->len_max) &&
             (!c->pattern || add_pattern(o, c->pattern));
        break;
    case AWS_LIST:
        ok = add_num(o, "minItems", c->has_len_min && c->len_min > 0, c->len_min) &&
             add_num(o, "maxItems", c->has_len_max, c->len_max) &&
             (!c->unique || cJSON_AddTrueToObject(o, "uniqueItems"));
        break;
    case AWS_MAP:
        ok = add_num(o, "minProperties", c->has_len_min && c->len_min > 0, c->len_min) &&
             add_num(o, "maxProperties", c->has_len_max, c->len_max);
        break;
    case AWS_BYTE:
    case AWS_SHORT:
    case AWS_INTEGER:
    case AWS_LONG:
    case AWS_FLOAT:
    case AWS_BIGINT:
    case AWS_BIGDEC:
        ok = add_num(o, "minimum", c->has_min, c->min) && add_num(o, "maximum", c->has_max, c->max);
        break;
    default:
        break;
    }
    if (ok && c->enums && (k == AWS_STRING || k == AWS_INTEGER)) {
        cJSON *e = cJSON_Duplicate(c->enums, 1);
        ok = e && cJSON_AddItemToObject(o, "enum", e);
        if (!ok)
            cJSON_Delete(e);
    }
    return ok;
}

/* Adds child under key (taken); 0 when child is NULL or on allocation failure. */
static int put(cJSON *o, const char *key, cJSON *child)
{
    if (!child)
        return 0;
    if (!cJSON_AddItemToObject(o, key, child)) {
        cJSON_Delete(child);
        return 0;
    }
    return 1;
}

/* A timestamp as it travels at loc in restJson1 (headers: IMF-fixdate, query and labels:
 * RFC 3339, bodies: epoch seconds), unless @timestampFormat says otherwise. */
static int timestamp_schema(cJSON *o, aws_ts ts, aws_loc loc)
{
    if (ts == AWS_TS_DEFAULT)
        ts = loc == AWS_LOC_HEADER                            ? AWS_TS_HTTP_DATE
             : (loc == AWS_LOC_QUERY || loc == AWS_LOC_LABEL) ? AWS_TS_DATE_TIME
                                                              : AWS_TS_EPOCH;
    if (ts == AWS_TS_EPOCH)
        return cJSON_AddStringToObject(o, "type", "number") != NULL;
    return cJSON_AddStringToObject(o, "type", "string") &&
           (ts != AWS_TS_DATE_TIME || cJSON_AddStringToObject(o, "format", "date-time"));
}

/* Properties and required of a structure's members at `want` (body members of an input or
 * output, or all members of a nested structure). */
static int members_schema(walk *w, const aws_shape *s, cJSON *o, int body_only)
{
    cJSON *props = cJSON_AddObjectToObject(o, "properties");
    cJSON *req = NULL;
    if (!props)
        return 0;
    for (size_t i = 0; i < s->member_count; i++) {
        const aws_member *mb = &s->members[i];
        if (body_only && mb->loc != AWS_LOC_BODY)
            continue;
        const char *key = mb->wire ? mb->wire : mb->name;
        if (!put(props, key, shape_schema(w, mb->target_index, &mb->c, AWS_LOC_BODY)))
            return 0;
        if (mb->required && s->kind == AWS_STRUCTURE) {
            if (!req && !(req = cJSON_AddArrayToObject(o, "required")))
                return 0;
            cJSON *name = cJSON_CreateString(key);
            if (!name || !cJSON_AddItemToArray(req, name)) {
                cJSON_Delete(name);
                return 0;
            }
        }
    }
    return 1;
}

/* Element and value schemas of a list or map; a sparse one admits null. */
static cJSON *element_schema(walk *w, const aws_shape *s, size_t part, int sparse)
{
    const aws_member *mb = &s->members[part];
    cJSON *el = shape_schema(w, mb->target_index, &mb->c, AWS_LOC_BODY);
    if (!el || !sparse)
        return el;
    cJSON *any = cJSON_CreateObject();
    cJSON *list = any ? cJSON_AddArrayToObject(any, "anyOf") : NULL;
    cJSON *null = cJSON_CreateObject();
    if (!list || !null || !cJSON_AddStringToObject(null, "type", "null") ||
        !cJSON_AddItemToArray(list, el)) {
        cJSON_Delete(any);
        cJSON_Delete(el);
        cJSON_Delete(null);
        return NULL;
    }
    cJSON_AddItemToArray(list, null);
    return any;
}

/* A map: its values under additionalProperties, its keys under propertyNames when the key
 * shape constrains them. */
static int map_schema(walk *w, const aws_shape *s, const aws_constraints *c, cJSON *o)
{
    if (s->member_count != 2 || s->members[0].target_index >= w->m->shape_count)
        return 0;
    const aws_member *key = &s->members[0];
    aws_constraints kc = merged(&w->m->shapes[key->target_index].c, &key->c);
    int keyed = kc.has_len_min || kc.has_len_max || kc.pattern || kc.enums;
    return cJSON_AddStringToObject(o, "type", "object") &&
           put(o, "additionalProperties", element_schema(w, s, 1, c->sparse)) &&
           (!keyed || put(o, "propertyNames", element_schema(w, s, 0, 0)));
}

static int kind_schema(walk *w, const aws_shape *s, const aws_constraints *c, aws_loc loc, cJSON *o)
{
    switch (s->kind) {
    case AWS_STRING:
        return cJSON_AddStringToObject(o, "type", "string") != NULL;
    case AWS_BLOB: /* base64 in a body; raw bytes as a payload (the caller's business) */
        return cJSON_AddStringToObject(o, "type", "string") &&
               cJSON_AddStringToObject(o, "format", "byte");
    case AWS_BOOLEAN:
        return cJSON_AddStringToObject(o, "type", "boolean") != NULL;
    case AWS_BYTE:
    case AWS_SHORT:
    case AWS_INTEGER:
    case AWS_LONG:
    case AWS_BIGINT:
        return cJSON_AddStringToObject(o, "type", "integer") &&
               (s->kind != AWS_INTEGER || cJSON_AddStringToObject(o, "format", "int32")) &&
               (s->kind != AWS_LONG || cJSON_AddStringToObject(o, "format", "int64"));
    case AWS_FLOAT:
    case AWS_BIGDEC:
        return cJSON_AddStringToObject(o, "type", "number") != NULL;
    case AWS_TIMESTAMP:
        return timestamp_schema(o, c->ts, loc);
    case AWS_DOCUMENT:
    case AWS_UNIT:
        return 1; /* any JSON value */
    case AWS_LIST:
        return s->member_count == 1 && cJSON_AddStringToObject(o, "type", "array") &&
               put(o, "items", element_schema(w, s, 0, c->sparse));
    case AWS_MAP:
        return map_schema(w, s, c, o);
    case AWS_STRUCTURE:
        return cJSON_AddStringToObject(o, "type", "object") && members_schema(w, s, o, 0);
    case AWS_UNION: /* exactly one member set */
        return cJSON_AddStringToObject(o, "type", "object") &&
               cJSON_AddNumberToObject(o, "minProperties", 1) &&
               cJSON_AddNumberToObject(o, "maxProperties", 1) && members_schema(w, s, o, 0);
    }
    return 0;
}

static cJSON *shape_schema(walk *w, size_t index, const aws_constraints *mc, aws_loc loc)
{
    if (index >= w->m->shape_count)
        return NULL; /* an unresolved target: aws_model_resolve() recorded it */
    const aws_shape *s = &w->m->shapes[index];
    for (size_t i = 0; i < w->depth; i++) {
        if (w->open[i] != index)
            continue;
        aws_fail(w->m, s->ptr,
                 "shape \"%s\" is recursive (it contains itself through \"%s\"): recursive "
                 "shapes are not supported",
                 s->id, w->m->shapes[w->open[w->depth - 1]].id);
        return NULL;
    }
    if (w->depth >= CF_MAX_JSON_DEPTH) {
        aws_fail(w->m, s->ptr, "shapes nest deeper than %d", CF_MAX_JSON_DEPTH);
        return NULL;
    }
    if (++w->nodes > CF_MAX_AWS_SCHEMA_NODES || ++w->m->schema_nodes > CF_MAX_AWS_MODEL_NODES) {
        if (w->nodes == CF_MAX_AWS_SCHEMA_NODES + 1 ||
            w->m->schema_nodes == CF_MAX_AWS_MODEL_NODES + 1)
            aws_fail(w->m, w->ptr,
                     "the schemas inline more than %u shapes (%u in all): the model is too large",
                     CF_MAX_AWS_SCHEMA_NODES, CF_MAX_AWS_MODEL_NODES);
        return NULL;
    }
    aws_constraints c = merged(&s->c, mc);
    cJSON *o = cJSON_CreateObject();
    w->open[w->depth++] = index;
    int ok = o && kind_schema(w, s, &c, loc, o) && add_constraints(o, s->kind, &c);
    w->depth--;
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

cJSON *aws_schema_of(aws_model *m, size_t index, const aws_constraints *member, aws_loc loc,
                     const char *ptr)
{
    walk w = {.m = m, .ptr = ptr};
    size_t before = m->errors;
    cJSON *o = shape_schema(&w, index, member, loc);
    if (!o && m->errors == before)
        aws_fail(m, ptr, "out of memory building a schema");
    return o;
}

cf_rc aws_schema_body(aws_model *m, size_t structure, cJSON **out, int *raw_payload)
{
    *out = NULL;
    *raw_payload = 0;
    if (structure >= m->shape_count)
        return CF_OK;
    const aws_shape *s = &m->shapes[structure];
    size_t body = 0;
    for (size_t i = 0; i < s->member_count; i++) {
        const aws_member *mb = &s->members[i];
        if (mb->loc == AWS_LOC_PAYLOAD) {
            aws_kind k = m->shapes[mb->target_index].kind;
            *raw_payload = k != AWS_STRUCTURE && k != AWS_UNION && k != AWS_DOCUMENT;
            *out = aws_schema_of(m, mb->target_index, &mb->c, AWS_LOC_PAYLOAD, mb->ptr);
            return *out ? CF_OK : CF_E_INVALID;
        }
        body += mb->loc == AWS_LOC_BODY;
    }
    if (!body)
        return CF_OK;
    walk w = {.m = m, .ptr = s->ptr};
    size_t before = m->errors;
    cJSON *o = cJSON_CreateObject();
    w.open[w.depth++] = structure;
    if (!o || !cJSON_AddStringToObject(o, "type", "object") || !members_schema(&w, s, o, 1)) {
        cJSON_Delete(o);
        if (m->errors == before)
            aws_fail(m, s->ptr, "out of memory building a schema");
        return CF_E_INVALID;
    }
    *out = o;
    return CF_OK;
}
