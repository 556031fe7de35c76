/* aws_smithy.c - reads a Smithy 2.0 JSON AST (restJson1 services) into the AWS model of
 * aws_common.h: shapes, traits, operations bound to the service or its resources. */
#include "contract/aws_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/str.h"

#define SMITHY "smithy.api#"

/* Shape ids and member names are case-sensitive; cJSON_GetObjectItem is not. */
#define get cJSON_GetObjectItemCaseSensitive

/* The prelude shapes a model may target without defining them. */
static const struct {
    const char *name;
    aws_kind kind;
} prelude[] = {
    {"String", AWS_STRING},       {"Blob", AWS_BLOB},
    {"BigInteger", AWS_BIGINT},   {"BigDecimal", AWS_BIGDEC},
    {"Timestamp", AWS_TIMESTAMP}, {"Document", AWS_DOCUMENT},
    {"Boolean", AWS_BOOLEAN},     {"PrimitiveBoolean", AWS_BOOLEAN},
    {"Byte", AWS_BYTE},           {"PrimitiveByte", AWS_BYTE},
    {"Short", AWS_SHORT},         {"PrimitiveShort", AWS_SHORT},
    {"Integer", AWS_INTEGER},     {"PrimitiveInteger", AWS_INTEGER},
    {"Long", AWS_LONG},           {"PrimitiveLong", AWS_LONG},
    {"Float", AWS_FLOAT},         {"PrimitiveFloat", AWS_FLOAT},
    {"Double", AWS_FLOAT},        {"PrimitiveDouble", AWS_FLOAT},
    {"Unit", AWS_UNIT},
};

/* Where a trait may sit. */
enum { ON_SHAPE = 1, ON_MEMBER = 2 };

/* A JSON Pointer below base: base + "/" + key (escaped) [+ "/" + key2]. */
static const char *ptr2(char *out, const char *base, const char *key, const char *key2)
{
    char tmp[CF_PATH_MAX];
    cf_diag_path_key(tmp, sizeof(tmp), base, key);
    if (!key2) {
        memcpy(out, tmp, sizeof(tmp));
        return out;
    }
    return cf_diag_path_key(out, CF_PATH_MAX, tmp, key2);
}

static int is_empty_object(const cJSON *v)
{
    return cJSON_IsObject(v) && !v->child;
}

/* A location trait on a member: the location, the wire name (a string trait value or none). */
static int set_loc(aws_model *m, const char *tptr, const char *trait, aws_member *mb, aws_loc loc,
                   const cJSON *v, int named)
{
    if (mb->loc != AWS_LOC_BODY)
        return aws_fail(m, tptr, "bad trait %s: the member already has an HTTP binding", trait), 0;
    if (named && !aws_set_string(m, tptr, "bad trait: its value", &mb->wire, v))
        return 0;
    if (!named && !is_empty_object(v))
        return aws_fail(m, tptr, "bad trait %s: expected {}", trait), 0;
    mb->loc = loc;
    return 1;
}

static int timestamp_format(aws_model *m, const char *tptr, aws_constraints *c, const cJSON *v)
{
    static const char *names[] = {"epoch-seconds", "date-time", "http-date"};
    for (int i = 0; i < 3; i++)
        if (cJSON_IsString(v) && strcmp(v->valuestring, names[i]) == 0)
            return c->ts = (aws_ts)(AWS_TS_EPOCH + i), 1;
    return aws_fail(m, tptr,
                    "bad trait " SMITHY "timestampFormat: expected epoch-seconds, date-time or "
                    "http-date"),
           0;
}

/* Applies one trait to a shape (mb NULL) or a member. Unknown traits are documentation or
 * tooling hints and are ignored; a known trait with a malformed value is refused. */
static int trait(aws_model *m, const char *tptr, const char *name, const cJSON *v, aws_shape *s,
                 aws_member *mb)
{
    aws_constraints *c = mb ? &mb->c : &s->c;
    if (strncmp(name, SMITHY, strlen(SMITHY)) != 0)
        return 1;
    const char *t = name + strlen(SMITHY);
    if (strcmp(t, "length") == 0 || strcmp(t, "range") == 0) {
        if (!cJSON_IsObject(v))
            return aws_fail(m, tptr, "bad trait %s: expected an object with min/max", name), 0;
        return aws_set_bounds(m, tptr, name, c, t[0] == 'l', get(v, "min"), get(v, "max"));
    }
    if (strcmp(t, "pattern") == 0)
        return aws_set_pattern(m, tptr, name, c, v);
    if (strcmp(t, "timestampFormat") == 0)
        return timestamp_format(m, tptr, c, v);
    if (strcmp(t, "sparse") == 0)
        return c->sparse = 1;
    if (strcmp(t, "uniqueItems") == 0)
        return c->unique = 1;
    if (strcmp(t, "enum") == 0) { /* Smithy 1.0 style: [{"value": ...}, ...] */
        if (!cJSON_IsArray(v) || !v->child)
            return aws_fail(m, tptr, "bad trait %s: expected a non-empty list", name), 0;
        for (const cJSON *e = v->child; e; e = e->next) {
            const cJSON *val = get(e, "value");
            if (!cJSON_IsString(val))
                return aws_fail(m, tptr, "bad trait %s: each entry needs a string \"value\"", name),
                       0;
            if (!aws_add_enum(m, tptr, c, val))
                return 0;
        }
        return 1;
    }
    if (!mb) {
        if (strcmp(t, "error") == 0) {
            if (!cJSON_IsString(v) ||
                (strcmp(v->valuestring, "client") && strcmp(v->valuestring, "server")))
                return aws_fail(m, tptr, "bad trait %s: expected \"client\" or \"server\"", name),
                       0;
            s->is_error = 1;
            s->server = v->valuestring[0] == 's';
            return 1;
        }
        if (strcmp(t, "httpError") == 0) {
            if (!cJSON_IsNumber(v) || !aws_is_whole(v->valuedouble) || v->valuedouble < 100 ||
                v->valuedouble > 599)
                return aws_fail(m, tptr, "bad trait %s: expected a status code 100..599", name), 0;
            s->http_status = (int)v->valuedouble;
            return 1;
        }
        if (strcmp(t, "streaming") == 0 && s->kind == AWS_UNION)
            return aws_fail(m, tptr, "event streams (%s on a union) are not supported", name), 0;
        return 1;
    }
    if (strcmp(t, "required") == 0)
        return mb->required = 1;
    if (strcmp(t, "idempotencyToken") == 0)
        return mb->idempotency_token = 1;
    if (strcmp(t, "jsonName") == 0)
        return aws_set_string(m, tptr, "bad trait " SMITHY "jsonName: its value", &mb->wire, v);
    if (strcmp(t, "httpLabel") == 0)
        return set_loc(m, tptr, name, mb, AWS_LOC_LABEL, v, 0);
    if (strcmp(t, "httpQuery") == 0)
        return set_loc(m, tptr, name, mb, AWS_LOC_QUERY, v, 1);
    if (strcmp(t, "httpQueryParams") == 0)
        return set_loc(m, tptr, name, mb, AWS_LOC_QUERY_PARAMS, v, 0);
    if (strcmp(t, "httpHeader") == 0)
        return set_loc(m, tptr, name, mb, AWS_LOC_HEADER, v, 1);
    if (strcmp(t, "httpPrefixHeaders") == 0) {
        if (!cJSON_IsString(v))
            return aws_fail(m, tptr, "bad trait %s: expected a string", name), 0;
        return set_loc(m, tptr, name, mb, AWS_LOC_PREFIX, v, v->valuestring[0] != '\0');
    }
    if (strcmp(t, "httpPayload") == 0)
        return set_loc(m, tptr, name, mb, AWS_LOC_PAYLOAD, v, 0);
    if (strcmp(t, "httpResponseCode") == 0)
        return set_loc(m, tptr, name, mb, AWS_LOC_STATUS, v, 0);
    return 1;
}

static int traits(aws_model *m, const char *base, const cJSON *tr, aws_shape *s, aws_member *mb)
{
    if (!tr)
        return 1;
    char p[CF_PATH_MAX];
    if (!cJSON_IsObject(tr))
        return aws_fail(m, ptr2(p, base, "traits", NULL), "traits must be an object"), 0;
    int ok = 1;
    for (const cJSON *t = tr->child; t; t = t->next)
        ok &= trait(m, ptr2(p, base, "traits", t->string), t->string, t, s, mb);
    return ok;
}

/* A member {"target": id, "traits": {...}}; for enums the target is Unit and the value comes
 * from @enumValue (default: the member name). */
static int member(aws_model *m, aws_shape *s, const char *base, const char *name, const cJSON *v)
{
    const cJSON *tr = get(v, "traits");
    if (s->kind == AWS_STRING || s->kind == AWS_INTEGER) { /* enum, intEnum */
        char p[CF_PATH_MAX];
        const char *mptr = cf_diag_path_key(p, sizeof(p), base, name);
        const cJSON *ev = cJSON_IsObject(tr) ? get(tr, SMITHY "enumValue") : NULL;
        if (!cJSON_IsObject(v))
            return aws_fail(m, mptr, "an enum member must be an object"), 0;
        cJSON *dflt = ev ? NULL : cJSON_CreateString(name);
        int ok = (ev || dflt) && aws_add_enum(m, mptr, &s->c, ev ? ev : dflt);
        cJSON_Delete(dflt);
        if (ok && s->kind == AWS_INTEGER && !cJSON_IsNumber(ev))
            ok = (aws_fail(m, mptr, "an intEnum member needs a numeric " SMITHY "enumValue"), 0);
        return ok;
    }
    aws_member *mb = aws_shape_add_member_from(m, s, base, name, v, "target");
    return mb && traits(m, mb->ptr, tr, s, mb);
}

/* list/set "member", map "key" and "value": the parts, in that order. */
static int parts(aws_model *m, aws_shape *s, const char *base, const cJSON *v)
{
    static const char *names[] = {"member", "key", "value"};
    int first = s->kind == AWS_LIST ? 0 : 1, last = s->kind == AWS_LIST ? 0 : 2;
    for (int i = first; i <= last; i++) {
        const cJSON *part = get(v, names[i]);
        if (!part)
            return aws_fail(m, base, "a %s needs \"%s\"", aws_kind_name(s->kind), names[i]), 0;
        if (!member(m, s, base, names[i], part))
            return 0;
    }
    return 1;
}

static int data_shape(aws_model *m, const char *id, const cJSON *v, const char *base)
{
    const cJSON *type = get(v, "type");
    const char *tn = type->valuestring;
    char p[CF_PATH_MAX];
    if (get(v, "mixins"))
        return aws_fail(m, ptr2(p, base, "mixins", NULL),
                        "mixins are not supported: flatten the model first"),
               0;
    int k = strcmp(tn, "enum") == 0      ? AWS_STRING
            : strcmp(tn, "intEnum") == 0 ? AWS_INTEGER
            : strcmp(tn, "set") == 0     ? AWS_LIST
                                         : aws_kind_from_name(tn);
    if (k < 0)
        return aws_fail(m, ptr2(p, base, "type", NULL), "shape type \"%s\" is not supported", tn),
               0;
    aws_shape *s = aws_model_add_shape(m, id, base, (aws_kind)k);
    if (!s)
        return 0;
    s->c.unique = strcmp(tn, "set") == 0;
    int ok = 1;
    if (strcmp(tn, "enum") == 0 || strcmp(tn, "intEnum") == 0 || k == AWS_STRUCTURE ||
        k == AWS_UNION) {
        const cJSON *mm = get(v, "members");
        if (mm && !cJSON_IsObject(mm))
            return aws_fail(m, ptr2(p, base, "members", NULL), "members must be an object"), 0;
        if (k != AWS_STRUCTURE && (!mm || !mm->child))
            return aws_fail(m, base, "a %s needs members", tn), 0;
        ptr2(p, base, "members", NULL);
        for (const cJSON *mv = mm ? mm->child : NULL; ok && mv; mv = mv->next)
            ok = member(m, s, p, mv->string, mv);
    } else if (k == AWS_LIST || k == AWS_MAP) {
        ok = parts(m, s, base, v);
    }
    return ok && traits(m, base, get(v, "traits"), s, NULL);
}

static int target_of(aws_model *m, const char *p, const cJSON *v, const char *what, char **dst)
{
    const cJSON *t = get(v, "target");
    if (!cJSON_IsObject(v) || !cJSON_IsString(t))
        return aws_fail(m, p, "%s must be {\"target\": shape-id}", what), 0;
    if (strcmp(t->valuestring, SMITHY "Unit") == 0)
        return 1;
    return aws_set_string(m, p, what, dst, t);
}

static int http_trait(aws_model *m, aws_op *op, const char *base, const cJSON *v)
{
    char p[CF_PATH_MAX];
    const cJSON *h = get(get(v, "traits"), SMITHY "http");
    ptr2(p, base, "traits", SMITHY "http");
    if (!h)
        return aws_fail(m, base, "operation %s has no " SMITHY "http trait (restJson1 needs one)",
                        op->name),
               0;
    const cJSON *code = get(h, "code");
    if (!aws_set_string(m, p, "bad trait " SMITHY "http: \"method\"", &op->method,
                        get(h, "method")) ||
        !aws_set_string(m, p, "bad trait " SMITHY "http: \"uri\"", &op->uri, get(h, "uri")))
        return 0;
    if (code && (!cJSON_IsNumber(code) || !aws_is_whole(code->valuedouble) ||
                 code->valuedouble < 100 || code->valuedouble > 599))
        return aws_fail(m, p, "bad trait " SMITHY "http: \"code\" must be a status 100..599"), 0;
    op->code = code ? (int)code->valuedouble : 200;
    return 1;
}

static int operation(aws_model *m, const cJSON *shapes, const char *id)
{
    char base[CF_PATH_MAX], p[CF_PATH_MAX];
    ptr2(base, "/shapes", id, NULL);
    const cJSON *v = get(shapes, id);
    const cJSON *type = get(v, "type");
    const char *hash = strchr(id, '#');
    if (!v)
        return aws_fail(m, "/shapes", "unknown shape target \"%s\" (operation)", id), 0;
    if (!cJSON_IsString(type) || strcmp(type->valuestring, "operation") != 0)
        return aws_fail(m, base, "\"%s\" is bound as an operation but is not one", id), 0;
    for (size_t j = 0; j < m->op_count; j++)
        if (strcmp(m->ops[j].name, hash ? hash + 1 : id) == 0)
            return 1; /* bound twice (service and resource): one operation */
    aws_op *op = aws_model_add_op(m, hash ? hash + 1 : id, base);
    if (!op)
        return 0;
    const cJSON *in = get(v, "input"), *out = get(v, "output");
    if ((in && !target_of(m, ptr2(p, base, "input", NULL), in, "input", &op->input)) ||
        (out && !target_of(m, ptr2(p, base, "output", NULL), out, "output", &op->output)) ||
        !http_trait(m, op, base, v))
        return 0;
    const cJSON *errs = get(v, "errors");
    if (errs && !cJSON_IsArray(errs))
        return aws_fail(m, ptr2(p, base, "errors", NULL), "errors must be a list"), 0;
    size_t i = 0;
    for (const cJSON *e = errs ? errs->child : NULL; e; e = e->next, i++) {
        char n[24];
        snprintf(n, sizeof(n), "%zu", i);
        char *t = NULL;
        int ok = target_of(m, ptr2(p, base, "errors", n), e, "an error", &t) && t &&
                 aws_op_add_error(m, op, t) == CF_OK;
        free(t);
        if (!ok)
            return 0;
    }
    return 1;
}

/* Adds the operations bound to a service or resource (and its resources), once each. */
static int bind(aws_model *m, const cJSON *shapes, const cJSON *v, const char *base, int depth)
{
    static const char *one[] = {"create", "put", "read", "update", "delete", "list"};
    static const char *many[] = {"operations", "collectionOperations", "resources"};
    char p[CF_PATH_MAX];
    if (depth > CF_MAX_JSON_DEPTH)
        return aws_fail(m, base, "resources nest deeper than %d", CF_MAX_JSON_DEPTH), 0;
    int ok = 1;
    for (size_t i = 0; ok && i < sizeof(one) / sizeof(one[0]); i++) {
        const cJSON *t = get(v, one[i]);
        char *id = NULL;
        ok = !t || (target_of(m, ptr2(p, base, one[i], NULL), t, one[i], &id) &&
                    (!id || operation(m, shapes, id)));
        free(id);
    }
    for (size_t i = 0; ok && i < sizeof(many) / sizeof(many[0]); i++) {
        const cJSON *list = get(v, many[i]);
        if (list && !cJSON_IsArray(list))
            return aws_fail(m, ptr2(p, base, many[i], NULL), "%s must be a list", many[i]), 0;
        for (const cJSON *t = list ? list->child : NULL; ok && t; t = t->next) {
            char *id = NULL;
            ok = target_of(m, ptr2(p, base, many[i], NULL), t, many[i], &id) && id;
            if (ok && i < 2) {
                ok = operation(m, shapes, id);
            } else if (ok) {
                char rp[CF_PATH_MAX];
                const cJSON *r = get(shapes, id);
                const cJSON *type = get(r, "type");
                if (!cJSON_IsString(type) || strcmp(type->valuestring, "resource") != 0)
                    ok = (aws_fail(m, p, "unknown shape target \"%s\" (resource)", id), 0);
                else
                    ok = bind(m, shapes, r, ptr2(rp, "/shapes", id, NULL), depth + 1);
            }
            free(id);
        }
    }
    return ok;
}

/* The service's protocol: restJson1, or a refusal naming the one it speaks. */
static int protocol(aws_model *m, const cJSON *service, const char *base)
{
    const cJSON *tr = get(service, "traits");
    if (get(tr, "aws.protocols#restJson1"))
        return 1;
    for (const cJSON *t = tr ? tr->child : NULL; t; t = t->next)
        if (aws_protocol_label(t->string))
            return aws_fail(m, base,
                            "protocol %s is not supported: only aws.protocols#restJson1 is",
                            aws_protocol_label(t->string)),
                   0;
    return aws_fail(m, base,
                    "the service has no protocol trait: only aws.protocols#restJson1 is supported"),
           0;
}

static int service(aws_model *m, const cJSON *shapes, const char *id, const cJSON *v)
{
    char base[CF_PATH_MAX];
    ptr2(base, "/shapes", id, NULL);
    if (!protocol(m, v, base))
        return 0;
    const cJSON *tr = get(v, "traits");
    const cJSON *title = get(tr, SMITHY "title");
    const cJSON *version = get(v, "version");
    const cJSON *prefix = get(get(tr, "aws.api#service"), "endpointPrefix");
    const char *hash = strchr(id, '#');
    cJSON *fallback = cJSON_CreateString(hash ? hash + 1 : id);
    int ok =
        fallback &&
        aws_set_string(m, base, "the title", &m->title, cJSON_IsString(title) ? title : fallback) &&
        (!cJSON_IsString(version) || aws_set_string(m, base, "version", &m->version, version)) &&
        (!cJSON_IsString(prefix) ||
         aws_set_string(m, base, "endpointPrefix", &m->endpoint, prefix));
    cJSON_Delete(fallback);
    return ok && bind(m, shapes, v, base, 0);
}

static int add_prelude(aws_model *m, const cJSON *shapes)
{
    for (size_t i = 0; i < sizeof(prelude) / sizeof(prelude[0]); i++) {
        char id[64];
        snprintf(id, sizeof(id), SMITHY "%s", prelude[i].name);
        if (!get(shapes, id) && !aws_model_add_shape(m, id, "", prelude[i].kind))
            return 0;
    }
    return 1;
}

cf_rc cf_aws_smithy_read(aws_model *m, const cJSON *doc)
{
    const cJSON *ver = get(doc, "smithy");
    const cJSON *shapes = get(doc, "shapes");
    if (!cJSON_IsString(ver) || (strcmp(ver->valuestring, "2.0") && strcmp(ver->valuestring, "2")))
        return aws_fail(m, "/smithy", "only Smithy 2.0 JSON AST models are supported");
    if (!cJSON_IsObject(shapes))
        return aws_fail(m, "/shapes", "\"shapes\" must be an object");
    const cJSON *svc = NULL;
    int ok = add_prelude(m, shapes);
    char p[CF_PATH_MAX];
    for (const cJSON *v = shapes->child; ok && v; v = v->next) {
        ptr2(p, "/shapes", v->string, NULL);
        const cJSON *type = get(v, "type");
        if (!cJSON_IsObject(v) || !cJSON_IsString(type)) {
            ok = (aws_fail(m, p, "a shape needs a string \"type\""), 0);
        } else if (strcmp(type->valuestring, "service") == 0) {
            if (svc)
                ok = (aws_fail(m, p, "a second service: one model, one service"), 0);
            svc = v;
        } else if (strcmp(type->valuestring, "apply") == 0) {
            ok = (aws_fail(m, p, "\"apply\" shapes are not supported: flatten the model first"), 0);
        } else if (strcmp(type->valuestring, "operation") &&
                   strcmp(type->valuestring, "resource")) {
            ok = data_shape(m, v->string, v, p);
        }
    }
    if (ok && !svc)
        return aws_fail(m, "/shapes", "the model defines no service shape");
    if (!ok || !service(m, shapes, svc->string, svc))
        return CF_E_INVALID;
    return aws_model_resolve(m);
}
