/* suite.c - one entry for every FILE the commands take: the kind is judged from the content,
 * and whatever it is, the result is a cf_api plus cases whose steps point into it. */
#include "suite/suite.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/limits.h"
#include "base/str.h"
#include "contract/aws.h"
#include "contract/v1_api.h"
#include "suite/internal.h"

/* Whether `buf` holds the member name "conform" (bytes may hold NULs: no strstr). */
static int mentions_conform(const char *buf, size_t len)
{
    static const char key[] = "\"conform\"";
    for (size_t i = 0; len >= sizeof key - 1 && i <= len - (sizeof key - 1); i++)
        if (memcmp(buf + i, key, sizeof key - 1) == 0)
            return 1;
    return 0;
}

int cf_suite_sniff_v2(const char *buf, size_t len)
{
    /* Parsing a 32 MB contract twice to learn it is no suite would be waste: suites are small
     * JSON objects, so only a bounded head is parsed and only when it mentions "conform". */
    if (len > CF_MAX_SPEC_FILE || !mentions_conform(buf, len))
        return 0;
    cJSON *doc = cJSON_ParseWithLength(buf, len);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, "conform");
    int yes = cJSON_IsNumber(v) && v->valuedouble == 2;
    cJSON_Delete(doc);
    return yes;
}

/* The v1 spec's cases move into the suite, each step bound to the spec's one operation. */
static cf_rc adopt_v1(cf_suite *s, cf_spec *spec)
{
    s->v1 = spec;
    cf_rc rc = cf_api_from_spec(spec, &s->api);
    if (rc != CF_OK)
        return rc;
    s->cases = spec->cases;
    s->case_count = spec->case_count;
    spec->cases = NULL;
    spec->case_count = 0;
    for (size_t i = 0; i < s->case_count; i++)
        for (size_t j = 0; j < s->cases[i].step_count; j++)
            s->cases[i].steps[j].op = &s->api->operations[0];
    return CF_OK;
}

static cf_suite *suite_new(const char *path, cf_suite_kind kind)
{
    cf_suite *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->kind = kind;
    s->file = strdup(path);
    s->contract_file = strdup(path);
    if (!s->file || !s->contract_file) {
        cf_suite_free(s);
        return NULL;
    }
    return s;
}

static cf_rc finish(cf_suite *s, cf_rc rc, cf_suite **out)
{
    if (rc != CF_OK) {
        cf_suite_free(s);
        return rc;
    }
    *out = s;
    return CF_OK;
}

cf_rc cf_suite_load_v1_mem(const char *name, const char *buf, size_t len, cf_suite **out,
                           cf_diags *diags)
{
    *out = NULL;
    cf_suite *s = suite_new(name, CF_SUITE_V1);
    if (!s)
        return CF_E_NOMEM;
    cf_spec *spec = NULL;
    cf_rc rc = cf_spec_load_mem(name, buf, len, &spec, diags);
    if (rc == CF_OK)
        rc = adopt_v1(s, spec);
    return finish(s, rc, out);
}

cf_rc cf_suite_load_v2_mem(const char *name, const char *buf, size_t len, cf_api *api,
                           cf_suite **out, cf_diags *diags)
{
    *out = NULL;
    cf_suite *s = suite_new(name, CF_SUITE_V2);
    if (!s) {
        cf_api_free(api);
        return CF_E_NOMEM;
    }
    s->api = api;
    if (api && api->file) { /* messages name the contract's file, not the suite's */
        char *contract = cf_strdup(api->file);
        if (!contract)
            return finish(s, CF_E_NOMEM, out);
        free(s->contract_file);
        s->contract_file = contract;
    }
    return finish(s, cf_suite_v2_load(s, buf, len, diags), out);
}

cf_rc cf_suite_load_file(const char *path, cf_suite **out, cf_diags *diags)
{
    *out = NULL;
    if (cf_aws_file_kind_of(path) == CF_AWS_FILE_OVERLAY) {
        cf_suite *s = suite_new(path, CF_SUITE_CONTRACT);
        return s ? finish(s, cf_aws_load_overlay(path, &s->api, diags), out) : CF_E_NOMEM;
    }
    cf_buf b;
    char err[256];
    cf_rc rc = cf_file_read(path, CF_MAX_CONTRACT_FILE, &b, err, sizeof err);
    if (rc != CF_OK) {
        cf_diags_add(diags, path, "", "%s", err);
        return rc;
    }
    const char *text = cf_buf_str(&b);
    if (cf_suite_sniff_v2(text, b.len)) {
        cf_suite *s = suite_new(path, CF_SUITE_V2);
        rc = s ? finish(s, cf_suite_v2_load(s, text, b.len, diags), out) : CF_E_NOMEM;
    } else if (cf_api_sniff(text, b.len)) {
        cf_suite *s = suite_new(path, CF_SUITE_CONTRACT);
        rc = s ? finish(s, cf_api_load_file(path, &s->api, diags), out) : CF_E_NOMEM;
    } else if (mentions_conform(text, b.len)) {
        rc = cf_suite_load_v1_mem(path, text, b.len, out, diags);
    } else {
        cf_diags_add(diags, path, "",
                     "neither a contract (OpenAPI 3.x, AWS Smithy or botocore model, overlay) nor "
                     "a conform suite (\"conform\": 1 or 2); see specs/README.md");
        rc = CF_E_NOT_FOUND;
    }
    cf_buf_free(&b);
    return rc;
}

void cf_suite_free(cf_suite *s)
{
    if (!s)
        return;
    cf_cases_free(s->cases, s->case_count);
    cf_api_free(s->api); /* before the spec and document it borrows from */
    cf_spec_free(s->v1);
    cJSON_Delete(s->root);
    cJSON_Delete(s->generated);
    free(s->contract_file);
    free(s->file);
    free(s);
}
