/* test_suite_load.c - every FILE kind loads into one cf_suite: a v1 spec (its cf_api built field
 * by field from the spec), a contract alone, an overlay; anything else is refused clearly. */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "suite_util.h"

#define DIR CONFORM_SOURCE_DIR "/specs/connect-participant/"
#define V1 DIR "start-attachment-upload.json"
#define V1_AWS DIR "start-attachment-upload.aws.json"

/* The v1 file's contract reaches consumers as a cf_api that says what the spec says. */
Test(suite_load, v1_spec_becomes_api_and_cases, .timeout = 30)
{
    cf_suite *s = suite_load_ok(V1, NULL);
    cf_diags d;
    cf_diags_init(&d);
    cf_spec *spec = NULL;
    cr_assert_eq(cf_spec_load_file(V1, &spec, &d), CF_OK);
    const cf_api *api = s->api;
    cr_assert_eq(s->kind, CF_SUITE_V1);
    cr_assert_eq(api->source, CF_API_FROM_V1);
    cr_assert_eq(api->operation_count, 1);
    const cf_api_operation *op = &api->operations[0];
    cr_expect_str_eq(op->id, spec->op.name);
    cr_expect_str_eq(op->method, spec->op.method);
    cr_expect_str_eq(op->path, spec->op.path);
    cr_expect_eq(op->body_count, spec->op.content_type_count);
    cr_expect_not_null(op->bodies[0].schema.compiled);
    cr_expect_eq(op->bodies[0].example, s->v1->op.example);
    const cf_api_response *ok = cf_api_response_for(op, spec->resp.success_status);
    cr_assert_not_null(ok);
    cr_expect_eq(ok->kind, CF_API_STATUS_EXACT);
    const cf_api_response *err = cf_api_response_for(op, 599);
    cr_assert_not_null(err, "errors fall to the default response");
    cr_expect_eq(err->kind, CF_API_STATUS_DEFAULT);
    cr_expect_eq(api->error_count, spec->errors.count);
    cr_expect_str_eq(api->roles[CF_API_ROLE_VALIDATION].code,
                     spec->errors.roles[CF_ROLE_VALIDATION]);
    cr_expect_eq(api->roles[CF_API_ROLE_VALIDATION].status,
                 cf_spec_code_status(spec, spec->errors.roles[CF_ROLE_VALIDATION]));
    cr_expect_null(api->roles[CF_API_ROLE_NOT_FOUND].code, "v1 has no not-found role");
    cr_expect_eq(api->credential_count, 1);
    cr_expect_str_eq(api->credentials[0].name, spec->op.auth_header);
    cr_expect_eq(api->credentials[0].caller_count, spec->op.auth_var_count);
    cr_expect_eq(op->idem.in, CF_API_TOKEN_BODY);
    cr_expect_str_eq(op->idem.token, spec->idem.token);
    cr_expect_eq(op->idem.must_repeat_count, spec->idem.parameter_count);
    cr_expect_eq(op->rule_count, spec->rule_count);
    cr_expect_eq(api->required_header_count, spec->resp.required_header_count);
    cr_expect_eq(api->defaults.latency_ms, spec->latency_ms);
    cr_expect_eq(api->mock.url_ttl_s, spec->mock.url_ttl_s);
    cr_expect_eq(op->mock.answer_body, s->v1->mock.success_body);
    cr_expect_eq(api->envelope.code.count, 1);
    cr_expect_eq(s->case_count, spec->case_count);
    for (size_t i = 0; i < s->case_count; i++) {
        cr_expect_str_eq(s->cases[i].id, spec->cases[i].id);
        cr_expect_str_eq(s->cases[i].file, V1);
        for (size_t j = 0; j < s->cases[i].step_count; j++) {
            cr_expect_eq(s->cases[i].steps[j].op, op, "case %s step %zu bound", s->cases[i].id, j);
            cr_expect_eq(s->cases[i].steps[j].role, CF_API_ROLE_NONE);
        }
    }
    cf_spec_free(spec);
    cf_diags_cleanup(&d);
    cf_suite_free(s);
}

/* The AWS-flavoured v1 file classifies by status with the code in a header. */
Test(suite_load, v1_aws_envelope, .timeout = 30)
{
    cf_suite *s = suite_load_ok(V1_AWS, NULL);
    cr_expect_eq(s->api->envelope.classify, CF_API_CLASSIFY_STATUS);
    cr_assert_eq(s->api->envelope.code.count, 1);
    cr_expect_not_null(s->api->envelope.code.at[0].header);
    cf_suite_free(s);
}

/* An overlay stands for its service: every operation, no hand-written case. */
Test(suite_load, overlay_is_the_service, .timeout = 60)
{
    cf_suite *s = suite_load_ok(DIR "connectparticipant.overlay.json", NULL);
    cr_expect_eq(s->kind, CF_SUITE_CONTRACT);
    cr_expect_eq(s->api->operation_count, 11);
    cr_expect_eq(s->case_count, 0);
    cr_expect_gt(s->api->envelope.code.count, 1, "header, then __type and code in the body");
    cr_expect(s->api->envelope.trim_aws_code);
    cf_suite_free(s);
}

Test(suite_load, contract_alone, .timeout = 60)
{
    cf_suite *s = suite_load_ok(DIR "connectparticipant-2018-09-07.service-2.json", NULL);
    cr_expect_eq(s->kind, CF_SUITE_CONTRACT);
    cr_expect_eq(s->api->operation_count, 11);
    cr_expect_str_eq(s->contract_file, s->file);
    cf_suite_free(s);
}

static void refused(const char *text, cf_rc want, const char *says)
{
    char path[] = "/tmp/conform-suite-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    cf_diags d;
    cf_diags_init(&d);
    cf_suite *s = (cf_suite *)1;
    cr_expect_eq(cf_suite_load_file(path, &s, &d), want, "%s", text);
    cr_expect_null(s);
    int found = 0;
    for (size_t i = 0; i < d.count; i++)
        found |= strstr(d.items[i].message, says) != NULL && strcmp(d.items[i].file, path) == 0;
    cr_expect(found, "a diagnostic naming the file says \"%s\" for %s", says, text);
    cf_diags_cleanup(&d);
    remove(path);
}

Test(suite_load, refuses_what_it_cannot_read, .timeout = 30)
{
    refused("{\"hello\": 1}", CF_E_NOT_FOUND, "neither a contract");
    refused("not json at all", CF_E_NOT_FOUND, "see specs/README.md");
    refused("{\"conform\": 7}", CF_E_INVALID, "conform");
    refused("{\"swagger\": \"2.0\", \"info\": {}}", CF_E_INVALID, "Swagger 2.0");
    cf_diags d;
    cf_diags_init(&d);
    cf_suite *s = (cf_suite *)1;
    cr_expect_eq(cf_suite_load_file("/nonexistent/suite.json", &s, &d), CF_E_IO);
    cr_expect_null(s);
    cr_expect_geq(d.count, 1);
    cf_diags_cleanup(&d);
}
