/* aws_botocore.c - reads a botocore service-2 JSON document (protocol rest-json) into the AWS
 * model of aws_common.h: shapes with min/max/pattern/enum, member locations, operations. */
#include "contract/aws_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/str.h"

/* Shape names and member names are case-sensitive; cJSON_GetObjectItem is not. */
#define get cJSON_GetObjectItemCaseSensitive

/* The protocol: rest-json (in "protocol" or the newer "protocols" list), or a refusal naming
 * the one the service speaks. */
static int protocol(aws_model *m, const cJSON *meta)
{
    const cJSON *one = get(meta, "protocol"), *list = get(meta, "protocols");
    const cJSON *any = NULL;
    if (cJSON_IsString(one) && strcmp(one->valuestring, "rest-json") == 0)
        return 1;
    for (const cJSON *p = cJSON_IsArray(list) ? list->child : NULL; p; p = p->next) {
        if (cJSON_IsString(p) && strcmp(p->valuestring, "rest-json") == 0)
            return 1;
        any = any ? any : p;
    }
    any = cJSON_IsString(one) ? one : any;
    if (cJSON_IsString(any)) {
        const char *label = aws_protocol_label(any->valuestring);
        return aws_fail(m, "/metadata/protocol",
                        "protocol %s%s%s is not supported: only rest-json (restJson1) is",
                        label ? label : "\"", label ? "" : any->valuestring, label ? "" : "\""),
               0;
    }
    return aws_fail(m, "/metadata/protocol",
                    "the metadata names no protocol: only rest-json (restJson1) is supported"),
           0;
}

static int timestamp_format(aws_model *m, const char *p, aws_constraints *c, const cJSON *v)
{
    static const char *names[] = {"unixTimestamp", "iso8601", "rfc822"};
    for (int i = 0; i < 3; i++)
        if (cJSON_IsString(v) && strcmp(v->valuestring, names[i]) == 0)
            return c->ts = (aws_ts)(AWS_TS_EPOCH + i), 1;
    return aws_fail(m, p, "bad timestampFormat: expected unixTimestamp, iso8601 or rfc822"), 0;
}

/* Member locations: botocore's "location" names the HTTP part, "locationName" the wire name. */
static int location(aws_model *m, const char *p, aws_member *mb, const cJSON *v)
{
    static const struct {
        const char *name;
        aws_loc loc;
    } locs[] = {{"uri", AWS_LOC_LABEL},
                {"querystring", AWS_LOC_QUERY},
                {"header", AWS_LOC_HEADER},
                {"headers", AWS_LOC_PREFIX},
                {"statusCode", AWS_LOC_STATUS}};
    const cJSON *loc = get(v, "location"), *name = get(v, "locationName");
    char lp[CF_PATH_MAX];
    if (name && !aws_set_string(m, cf_diag_path_key(lp, sizeof(lp), p, "locationName"),
                                "locationName", &mb->wire, name))
        return 0;
    if (!loc)
        return 1;
    cf_diag_path_key(lp, sizeof(lp), p, "location");
    for (size_t i = 0; cJSON_IsString(loc) && i < sizeof(locs) / sizeof(locs[0]); i++) {
        if (strcmp(loc->valuestring, locs[i].name) != 0)
            continue;
        mb->loc = locs[i].loc;
        /* a querystring map without locationName spreads into the query */
        if (mb->loc == AWS_LOC_QUERY && !name)
            mb->loc = AWS_LOC_QUERY_PARAMS;
        if ((mb->loc == AWS_LOC_LABEL || mb->loc == AWS_LOC_HEADER) && !name)
            return aws_fail(m, lp, "location \"%s\" needs a locationName", loc->valuestring), 0;
        return 1;
    }
    return aws_fail(m, lp,
                    "unsupported location: expected uri, querystring, header, headers or "
                    "statusCode"),
           0;
}

static int member(aws_model *m, aws_shape *s, const char *base, const char *name, const cJSON *v)
{
    aws_member *mb = aws_shape_add_member_from(m, s, base, name, v, "shape");
    if (!mb)
        return 0;
    const char *mptr = mb->ptr;
    mb->idempotency_token = cJSON_IsTrue(get(v, "idempotencyToken"));
    char tp[CF_PATH_MAX];
    const cJSON *ts = get(v, "timestampFormat");
    if (ts &&
        !timestamp_format(m, cf_diag_path_key(tp, sizeof(tp), mptr, "timestampFormat"), &mb->c, ts))
        return 0;
    if (get(v, "jsonvalue"))
        return aws_fail(m, mptr, "jsonvalue members (JSON in a header) are not supported"), 0;
    /* in a list or map, locationName names XML elements: not ours */
    return s->kind == AWS_LIST || s->kind == AWS_MAP || location(m, mptr, mb, v);
}

/* "required": [names] on a structure; each must name a member. */
static int required(aws_model *m, aws_shape *s, const char *base, const cJSON *req)
{
    char p[CF_PATH_MAX];
    cf_diag_path_key(p, sizeof(p), base, "required");
    if (!cJSON_IsArray(req))
        return aws_fail(m, p, "required must be a list of member names"), 0;
    for (const cJSON *r = req->child; r; r = r->next) {
        size_t i = 0;
        while (cJSON_IsString(r) && i < s->member_count &&
               strcmp(s->members[i].name, r->valuestring))
            i++;
        if (!cJSON_IsString(r) || i == s->member_count)
            return aws_fail(m, p, "required names \"%s\", which is not a member",
                            cJSON_IsString(r) ? r->valuestring : "?"),
                   0;
        s->members[i].required = 1;
    }
    return 1;
}

/* "payload": "Member" on a structure: that member is the whole body. */
static int payload(aws_model *m, aws_shape *s, const char *base, const cJSON *pl)
{
    char p[CF_PATH_MAX];
    cf_diag_path_key(p, sizeof(p), base, "payload");
    for (size_t i = 0; cJSON_IsString(pl) && i < s->member_count; i++)
        if (strcmp(s->members[i].name, pl->valuestring) == 0)
            return s->members[i].loc = AWS_LOC_PAYLOAD, 1;
    return aws_fail(m, p, "payload must name a member"), 0;
}

static int structure(aws_model *m, aws_shape *s, const char *base, const cJSON *v)
{
    char p[CF_PATH_MAX];
    const cJSON *mm = get(v, "members");
    if (mm && !cJSON_IsObject(mm))
        return aws_fail(m, cf_diag_path_key(p, sizeof(p), base, "members"),
                        "members must be an object"),
               0;
    cf_diag_path_key(p, sizeof(p), base, "members");
    for (const cJSON *mv = mm ? mm->child : NULL; mv; mv = mv->next)
        if (!member(m, s, p, mv->string, mv))
            return 0;
    const cJSON *req = get(v, "required"), *pl = get(v, "payload");
    if ((req && !required(m, s, base, req)) || (pl && !payload(m, s, base, pl)))
        return 0;
    const cJSON *err = get(v, "error"), *code = get(err, "httpStatusCode");
    s->is_error = cJSON_IsTrue(get(v, "exception")) || cJSON_IsObject(err);
    s->server = cJSON_IsTrue(get(v, "fault"));
    if (code && (!cJSON_IsNumber(code) || !aws_is_whole(code->valuedouble) ||
                 code->valuedouble < 100 || code->valuedouble > 599))
        return aws_fail(m, cf_diag_path_key(p, sizeof(p), base, "error"),
                        "error.httpStatusCode must be a status code 100..599"),
               0;
    s->http_status = code ? (int)code->valuedouble : 0;
    return 1;
}

/* min/max mean a length on strings, blobs, lists and maps, a range on numbers. */
static int constraints(aws_model *m, aws_shape *s, const char *base, const cJSON *v)
{
    char p[CF_PATH_MAX];
    const cJSON *min = get(v, "min"), *max = get(v, "max"), *pat = get(v, "pattern");
    const cJSON *en = get(v, "enum"), *ts = get(v, "timestampFormat");
    int is_len =
        s->kind == AWS_STRING || s->kind == AWS_BLOB || s->kind == AWS_LIST || s->kind == AWS_MAP;
    if ((min || max) && !aws_set_bounds(m, base, "min/max", &s->c, is_len, min, max))
        return 0;
    if (pat &&
        !aws_set_pattern(m, cf_diag_path_key(p, sizeof(p), base, "pattern"), "pattern", &s->c, pat))
        return 0;
    if (ts &&
        !timestamp_format(m, cf_diag_path_key(p, sizeof(p), base, "timestampFormat"), &s->c, ts))
        return 0;
    if (en) {
        cf_diag_path_key(p, sizeof(p), base, "enum");
        if (!cJSON_IsArray(en) || !en->child || s->kind != AWS_STRING)
            return aws_fail(m, p, "enum must be a non-empty list on a string shape"), 0;
        for (const cJSON *e = en->child; e; e = e->next)
            if (!cJSON_IsString(e) || !aws_add_enum(m, p, &s->c, e))
                return cJSON_IsString(e) ? 0 : (aws_fail(m, p, "enum values must be strings"), 0);
    }
    return 1;
}

static int shape(aws_model *m, const char *name, const cJSON *v)
{
    char base[CF_PATH_MAX], p[CF_PATH_MAX];
    cf_diag_path_key(p, sizeof(p), "/shapes", name);
    memcpy(base, p, sizeof(base));
    const cJSON *type = get(v, "type");
    if (!cJSON_IsObject(v) || !cJSON_IsString(type))
        return aws_fail(m, base, "a shape needs a string \"type\""), 0;
    int k = aws_kind_from_name(type->valuestring);
    if (k == AWS_STRUCTURE && cJSON_IsTrue(get(v, "union")))
        k = AWS_UNION;
    if (k == AWS_STRUCTURE && cJSON_IsTrue(get(v, "document")))
        k = AWS_DOCUMENT;
    /* botocore spells unions and documents as flagged structures */
    if (k < 0 || ((k == AWS_DOCUMENT || k == AWS_UNION) && strcmp(type->valuestring, "structure")))
        return aws_fail(m, cf_diag_path_key(p, sizeof(p), base, "type"),
                        "shape type \"%s\" is not supported", type->valuestring),
               0;
    if (cJSON_IsTrue(get(v, "eventstream")) || cJSON_IsTrue(get(v, "event")))
        return aws_fail(m, base, "event streams are not supported"), 0;
    aws_shape *s = aws_model_add_shape(m, name, base, (aws_kind)k);
    if (!s || !constraints(m, s, base, v))
        return 0;
    if (k == AWS_STRUCTURE || k == AWS_UNION)
        return structure(m, s, base, v);
    if (k == AWS_LIST || k == AWS_MAP) {
        static const char *parts[] = {"member", "key", "value"};
        for (int i = k == AWS_LIST ? 0 : 1; i <= (k == AWS_LIST ? 0 : 2); i++) {
            const cJSON *part = get(v, parts[i]);
            if (!part)
                return aws_fail(m, base, "a %s needs \"%s\"", type->valuestring, parts[i]), 0;
            if (!member(m, s, base, parts[i], part))
                return 0;
        }
    }
    return 1;
}

static int target(aws_model *m, const char *p, const cJSON *v, const char *what, char **dst)
{
    const cJSON *t = get(v, "shape");
    if (!cJSON_IsObject(v) || !cJSON_IsString(t))
        return aws_fail(m, p, "%s must be {\"shape\": name}", what), 0;
    return aws_set_string(m, p, what, dst, t);
}

static int operation(aws_model *m, const char *name, const cJSON *v)
{
    char base[CF_PATH_MAX], p[CF_PATH_MAX];
    cf_diag_path_key(base, sizeof(base), "/operations", name);
    if (!cJSON_IsObject(v))
        return aws_fail(m, base, "an operation must be an object"), 0;
    aws_op *op = aws_model_add_op(m, name, base);
    if (!op)
        return 0;
    const cJSON *http = get(v, "http"), *in = get(v, "input"), *out = get(v, "output");
    const cJSON *code = get(http, "responseCode"), *errs = get(v, "errors");
    cf_diag_path_key(p, sizeof(p), base, "http");
    if (!cJSON_IsObject(http))
        return aws_fail(m, base, "operation %s has no \"http\" (rest-json needs one)", name), 0;
    if (!aws_set_string(m, p, "http.method", &op->method, get(http, "method")) ||
        !aws_set_string(m, p, "http.requestUri", &op->uri, get(http, "requestUri")))
        return 0;
    if (code && (!cJSON_IsNumber(code) || !aws_is_whole(code->valuedouble) ||
                 code->valuedouble < 100 || code->valuedouble > 599))
        return aws_fail(m, p, "http.responseCode must be a status 100..599"), 0;
    op->code = code ? (int)code->valuedouble : 200;
    if ((in &&
         !target(m, cf_diag_path_key(p, sizeof(p), base, "input"), in, "input", &op->input)) ||
        (out &&
         !target(m, cf_diag_path_key(p, sizeof(p), base, "output"), out, "output", &op->output)))
        return 0;
    if (errs && !cJSON_IsArray(errs))
        return aws_fail(m, cf_diag_path_key(p, sizeof(p), base, "errors"), "errors must be a list"),
               0;
    size_t i = 0;
    for (const cJSON *e = errs ? errs->child : NULL; e; e = e->next, i++) {
        char ep[CF_PATH_MAX], *t = NULL;
        cf_diag_path_index(ep, sizeof(ep), cf_diag_path_key(p, sizeof(p), base, "errors"), i);
        int ok = target(m, ep, e, "an error", &t) && aws_op_add_error(m, op, t) == CF_OK;
        free(t);
        if (!ok)
            return 0;
    }
    return 1;
}

cf_rc cf_aws_botocore_read(aws_model *m, const cJSON *doc)
{
    const cJSON *meta = get(doc, "metadata"), *ops = get(doc, "operations");
    const cJSON *shapes = get(doc, "shapes");
    if (!cJSON_IsObject(meta))
        return aws_fail(m, "/metadata", "\"metadata\" must be an object");
    if (!protocol(m, meta))
        return CF_E_INVALID;
    if (!cJSON_IsObject(ops) || !cJSON_IsObject(shapes))
        return aws_fail(m, "", "\"operations\" and \"shapes\" must be objects");
    const cJSON *title = get(meta, "serviceFullName"), *id = get(meta, "serviceId");
    const cJSON *version = get(meta, "apiVersion"), *prefix = get(meta, "endpointPrefix");
    int ok = aws_set_string(m, "/metadata", "metadata.serviceFullName", &m->title,
                            cJSON_IsString(title) ? title : id) &&
             (!cJSON_IsString(version) ||
              aws_set_string(m, "/metadata", "metadata.apiVersion", &m->version, version)) &&
             (!cJSON_IsString(prefix) ||
              aws_set_string(m, "/metadata", "metadata.endpointPrefix", &m->endpoint, prefix));
    for (const cJSON *v = shapes->child; ok && v; v = v->next)
        ok = shape(m, v->string, v);
    for (const cJSON *v = ops->child; ok && v; v = v->next)
        ok = operation(m, v->string, v);
    return ok ? aws_model_resolve(m) : CF_E_INVALID;
}
