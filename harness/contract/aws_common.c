/* aws_common.c - the format-neutral AWS model: building it, resolving shape targets, and the
 * small facts (kind names, protocol names) both AWS loaders share. */
#include "contract/aws_common.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "base/str.h"

void aws_model_init(aws_model *m, const char *file, cf_diags *diags)
{
    memset(m, 0, sizeof(*m));
    m->file = file;
    m->diags = diags;
}

static void constraints_cleanup(aws_constraints *c)
{
    free(c->pattern);
    cJSON_Delete(c->enums);
}

static void shape_cleanup(aws_shape *s)
{
    for (size_t i = 0; i < s->member_count; i++) {
        aws_member *mb = &s->members[i];
        free(mb->name);
        free(mb->target);
        free(mb->ptr);
        free(mb->wire);
        constraints_cleanup(&mb->c);
    }
    free(s->members);
    free(s->id);
    free(s->ptr);
    constraints_cleanup(&s->c);
}

static void op_cleanup(aws_op *op)
{
    free(op->name);
    free(op->ptr);
    free(op->method);
    free(op->uri);
    free(op->input);
    free(op->output);
    for (size_t i = 0; i < op->error_count; i++)
        free(op->errors[i]);
    free(op->errors);
    free(op->error_index);
}

void aws_model_cleanup(aws_model *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->shape_count; i++)
        shape_cleanup(&m->shapes[i]);
    for (size_t i = 0; i < m->op_count; i++)
        op_cleanup(&m->ops[i]);
    free(m->shapes);
    free(m->ops);
    free(m->title);
    free(m->version);
    free(m->endpoint);
    aws_model_init(m, m->file, m->diags);
}

cf_rc aws_fail(aws_model *m, const char *ptr, const char *fmt, ...)
{
    m->errors++;
    if (!m->diags)
        return CF_E_INVALID;
    va_list ap;
    va_start(ap, fmt);
    cf_diags_vadd(m->diags, m->file, ptr, fmt, ap);
    va_end(ap);
    return CF_E_INVALID;
}

/* The one growth path of the model's arrays: room for one more of `size` bytes in *items,
 * refusing past `limit` (recorded at `ptr`). */
static int grow(aws_model *m, void **items, size_t *cap, size_t count, size_t size, size_t limit,
                const char *ptr, const char *what)
{
    if (count >= limit) {
        aws_fail(m, ptr, "more than %zu %s: the model is too large", limit, what);
        return 0;
    }
    if (count < *cap)
        return 1;
    size_t ncap = *cap ? *cap * 2 : 8;
    void *n = realloc(*items, ncap * size);
    if (!n) {
        aws_fail(m, ptr, "out of memory");
        return 0;
    }
    *items = n;
    *cap = ncap;
    return 1;
}

aws_shape *aws_model_add_shape(aws_model *m, const char *id, const char *ptr, aws_kind kind)
{
    if (!grow(m, (void **)&m->shapes, &m->shape_cap, m->shape_count, sizeof(aws_shape),
              CF_MAX_AWS_SHAPES, ptr, "shapes"))
        return NULL;
    aws_shape *s = &m->shapes[m->shape_count];
    memset(s, 0, sizeof(*s));
    s->kind = kind;
    s->id = cf_strdup(id);
    s->ptr = cf_strdup(ptr);
    if (!s->id || !s->ptr) {
        shape_cleanup(s);
        aws_fail(m, ptr, "out of memory");
        return NULL;
    }
    m->shape_count++;
    m->sorted = 0;
    return s;
}

aws_member *aws_shape_add_member(aws_model *m, aws_shape *s, const char *name, const char *ptr)
{
    if (!grow(m, (void **)&s->members, &s->member_cap, s->member_count, sizeof(aws_member),
              CF_MAX_AWS_MEMBERS, ptr, "members"))
        return NULL;
    aws_member *mb = &s->members[s->member_count];
    memset(mb, 0, sizeof(*mb));
    mb->name = cf_strdup(name);
    mb->ptr = cf_strdup(ptr);
    if (!mb->name || !mb->ptr) {
        free(mb->name);
        free(mb->ptr);
        aws_fail(m, ptr, "out of memory");
        return NULL;
    }
    s->member_count++;
    return mb;
}

aws_member *aws_shape_add_member_from(aws_model *m, aws_shape *s, const char *base,
                                      const char *name, const cJSON *v, const char *key)
{
    char p[CF_PATH_MAX];
    const char *mptr = cf_diag_path_key(p, sizeof(p), base, name);
    const cJSON *target = cJSON_GetObjectItemCaseSensitive(v, key);
    if (!cJSON_IsObject(v) || !cJSON_IsString(target)) {
        aws_fail(m, mptr, "a member needs a string \"%s\"", key);
        return NULL;
    }
    aws_member *mb = aws_shape_add_member(m, s, name, mptr);
    if (mb && !(mb->target = cf_strdup(target->valuestring))) {
        aws_fail(m, mptr, "out of memory");
        return NULL;
    }
    return mb;
}

aws_op *aws_model_add_op(aws_model *m, const char *name, const char *ptr)
{
    if (!grow(m, (void **)&m->ops, &m->op_cap, m->op_count, sizeof(aws_op), CF_MAX_AWS_SHAPES, ptr,
              "operations"))
        return NULL;
    aws_op *op = &m->ops[m->op_count];
    memset(op, 0, sizeof(*op));
    op->code = 200;
    op->input_index = op->output_index = (size_t)-1;
    op->name = cf_strdup(name);
    op->ptr = cf_strdup(ptr);
    if (!op->name || !op->ptr) {
        op_cleanup(op);
        aws_fail(m, ptr, "out of memory");
        return NULL;
    }
    m->op_count++;
    return op;
}

cf_rc aws_op_add_error(aws_model *m, aws_op *op, const char *id)
{
    if (!grow(m, (void **)&op->errors, &op->error_cap, op->error_count, sizeof(char *),
              CF_MAX_AWS_MEMBERS, op->ptr, "errors"))
        return CF_E_TOO_LARGE;
    if (!(op->errors[op->error_count] = cf_strdup(id)))
        return aws_fail(m, op->ptr, "out of memory"), CF_E_NOMEM;
    op->error_count++;
    return CF_OK;
}

static int shape_cmp(const void *a, const void *b)
{
    return strcmp(((const aws_shape *)a)->id, ((const aws_shape *)b)->id);
}

static int key_cmp(const void *key, const void *b)
{
    return strcmp((const char *)key, ((const aws_shape *)b)->id);
}

const aws_shape *aws_model_find(const aws_model *m, const char *id)
{
    if (!id || !m->sorted || !m->shape_count)
        return NULL;
    return bsearch(id, m->shapes, m->shape_count, sizeof(aws_shape), key_cmp);
}

/* The index of `id`, or (size_t)-1 with the problem recorded at ptr. */
static size_t find_index(aws_model *m, const char *id, const char *ptr, const char *what)
{
    const aws_shape *s = aws_model_find(m, id);
    if (!s) {
        aws_fail(m, ptr, "unknown shape target \"%s\" (%s)", id, what);
        return (size_t)-1;
    }
    return (size_t)(s - m->shapes);
}

cf_rc aws_model_resolve(aws_model *m)
{
    if (m->shape_count)
        qsort(m->shapes, m->shape_count, sizeof(aws_shape), shape_cmp);
    m->sorted = 1;
    size_t before = m->errors;
    for (size_t i = 1; i < m->shape_count; i++)
        if (strcmp(m->shapes[i - 1].id, m->shapes[i].id) == 0)
            aws_fail(m, m->shapes[i].ptr, "shape \"%s\" is defined twice", m->shapes[i].id);
    for (size_t i = 0; i < m->shape_count; i++) {
        aws_shape *s = &m->shapes[i];
        for (size_t j = 0; j < s->member_count; j++) {
            aws_member *mb = &s->members[j];
            mb->target_index = find_index(m, mb->target, mb->ptr, "member target");
        }
    }
    for (size_t i = 0; i < m->op_count; i++) {
        aws_op *op = &m->ops[i];
        if (op->input)
            op->input_index = find_index(m, op->input, op->ptr, "operation input");
        if (op->output)
            op->output_index = find_index(m, op->output, op->ptr, "operation output");
        if (op->error_count && !(op->error_index = calloc(op->error_count, sizeof(size_t))))
            return aws_fail(m, op->ptr, "out of memory"), CF_E_NOMEM;
        for (size_t j = 0; j < op->error_count; j++) {
            size_t e = op->error_index[j] = find_index(m, op->errors[j], op->ptr, "error");
            if (e != (size_t)-1 && !m->shapes[e].is_error)
                aws_fail(m, op->ptr, "error \"%s\" of %s is not an error shape", op->errors[j],
                         op->name);
        }
    }
    return m->errors > before ? CF_E_INVALID : CF_OK;
}

static const struct {
    const char *name;
    aws_kind kind;
} kinds[] = {
    {"string", AWS_STRING},       {"blob", AWS_BLOB},         {"boolean", AWS_BOOLEAN},
    {"byte", AWS_BYTE},           {"short", AWS_SHORT},       {"integer", AWS_INTEGER},
    {"long", AWS_LONG},           {"float", AWS_FLOAT},       {"double", AWS_FLOAT},
    {"bigInteger", AWS_BIGINT},   {"bigDecimal", AWS_BIGDEC}, {"timestamp", AWS_TIMESTAMP},
    {"document", AWS_DOCUMENT},   {"list", AWS_LIST},         {"map", AWS_MAP},
    {"structure", AWS_STRUCTURE}, {"union", AWS_UNION},
};

int aws_kind_from_name(const char *name)
{
    for (size_t i = 0; name && i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (strcmp(kinds[i].name, name) == 0)
            return (int)kinds[i].kind;
    return -1;
}

const char *aws_kind_name(aws_kind k)
{
    if (k == AWS_UNIT)
        return "unit";
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (kinds[i].kind == k)
            return kinds[i].name;
    return "?";
}

int aws_is_whole(double v)
{
    return isfinite(v) && v == floor(v) && fabs(v) <= 9007199254740992.0;
}

static const struct {
    const char *id, *label;
} protocols[] = {
    {"aws.protocols#awsJson1_0", "awsJson1_0"},
    {"aws.protocols#awsJson1_1", "awsJson1_1"},
    {"aws.protocols#restXml", "restXml"},
    {"aws.protocols#awsQuery", "awsQuery"},
    {"aws.protocols#ec2Query", "ec2Query"},
    {"smithy.protocols#rpcv2Cbor", "rpcv2Cbor"},
    {"json", "awsJson (botocore \"json\")"},
    {"rest-xml", "restXml (botocore \"rest-xml\")"},
    {"query", "awsQuery (botocore \"query\")"},
    {"ec2", "ec2Query (botocore \"ec2\")"},
    {"smithy-rpc-v2-cbor", "rpcv2Cbor (botocore \"smithy-rpc-v2-cbor\")"},
};

const char *aws_protocol_label(const char *id)
{
    for (size_t i = 0; id && i < sizeof(protocols) / sizeof(protocols[0]); i++)
        if (strcmp(protocols[i].id, id) == 0)
            return protocols[i].label;
    return NULL;
}

int aws_set_bounds(aws_model *m, const char *ptr, const char *trait, aws_constraints *c, int is_len,
                   const cJSON *min, const cJSON *max)
{
    const cJSON *v[2] = {min, max};
    for (int i = 0; i < 2; i++) {
        if (!v[i] || cJSON_IsNull(v[i]))
            continue;
        double d = v[i]->valuedouble;
        if (!cJSON_IsNumber(v[i]) || !isfinite(d) || (is_len && (!aws_is_whole(d) || d < 0))) {
            aws_fail(m, ptr, "bad trait %s: \"%s\" must be a %s", trait, i ? "max" : "min",
                     is_len ? "non-negative whole number" : "number");
            return 0;
        }
    }
    int has_min = min && cJSON_IsNumber(min), has_max = max && cJSON_IsNumber(max);
    if (has_min && has_max && min->valuedouble > max->valuedouble) {
        aws_fail(m, ptr, "bad trait %s: min %g is greater than max %g", trait, min->valuedouble,
                 max->valuedouble);
        return 0;
    }
    if (is_len) {
        c->has_len_min = has_min, c->len_min = has_min ? min->valuedouble : 0;
        c->has_len_max = has_max, c->len_max = has_max ? max->valuedouble : 0;
    } else {
        c->has_min = has_min, c->min = has_min ? min->valuedouble : 0;
        c->has_max = has_max, c->max = has_max ? max->valuedouble : 0;
    }
    return 1;
}

int aws_set_string(aws_model *m, const char *ptr, const char *what, char **dst, const cJSON *v)
{
    if (!cJSON_IsString(v) || !v->valuestring[0]) {
        aws_fail(m, ptr, "%s must be a non-empty string", what);
        return 0;
    }
    char *s = cf_strdup(v->valuestring);
    if (!s) {
        aws_fail(m, ptr, "out of memory");
        return 0;
    }
    free(*dst);
    *dst = s;
    return 1;
}

int aws_set_pattern(aws_model *m, const char *ptr, const char *trait, aws_constraints *c,
                    const cJSON *v)
{
    char what[128];
    snprintf(what, sizeof(what), "bad trait %s: the pattern", trait);
    return aws_set_string(m, ptr, what, &c->pattern, v);
}

int aws_add_enum(aws_model *m, const char *ptr, aws_constraints *c, const cJSON *v)
{
    if (!(cJSON_IsString(v) || (cJSON_IsNumber(v) && aws_is_whole(v->valuedouble)))) {
        aws_fail(m, ptr, "bad enum value: expected a string or a whole number");
        return 0;
    }
    if (!c->enums && !(c->enums = cJSON_CreateArray()))
        return aws_fail(m, ptr, "out of memory"), 0;
    if (c->enum_count >= CF_MAX_AWS_MEMBERS)
        return aws_fail(m, ptr, "more than %u enum values", CF_MAX_AWS_MEMBERS), 0;
    cJSON *copy = cJSON_Duplicate(v, 0);
    if (!copy || !cJSON_AddItemToArray(c->enums, copy)) {
        cJSON_Delete(copy);
        return aws_fail(m, ptr, "out of memory"), 0;
    }
    c->enum_count++;
    return 1;
}
