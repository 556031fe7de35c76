/* test_redact.c - secrets masked by value and pre-signed URL signatures masked everywhere. */
#include <criterion/criterion.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/secrets.h"

static char *run(const cf_secrets *r, const char *in)
{
    char *s = cf_secrets_redact_dup(r, in, strlen(in), 1u << 20);
    cr_assert_not_null(s);
    return s;
}

Test(redact, secret_values_are_masked_wherever_they_appear, .timeout = 5)
{
    cf_bindings vars = {0};
    cr_assert_eq(cf_bindings_set(&vars, "bearer", "tok-123456", 1), CF_OK);
    cr_assert_eq(cf_bindings_set(&vars, "region", "us-east-1", 0), CF_OK);
    cr_assert_eq(cf_bindings_set(&vars, "long", "tok-123456-longer", 1), CF_OK);
    cf_secrets r;
    cr_assert_eq(cf_secrets_init(&r, &vars), CF_OK);
    char *s = run(&r, "X-Amz-Bearer: tok-123456\n{\"m\":\"tok-123456-longer in us-east-1\"}");
    cr_expect_str_eq(s,
                     "X-Amz-Bearer: <redacted:bearer>\n{\"m\":\"<redacted:long> in us-east-1\"}");
    cr_expect_not(cf_secrets_finds(&r, s, strlen(s)));
    cr_expect(cf_secrets_finds(&r, "xxtok-123456", 12));
    free(s);
    cf_secrets_cleanup(&r);
    cf_bindings_cleanup(&vars);
}

Test(redact, presigned_url_signature_parameters_are_masked, .timeout = 5)
{
    cf_secrets r;
    cr_assert_eq(cf_secrets_init(&r, NULL), CF_OK);
    char *s = run(&r, "{\"Url\":\"https://b.s3.amazonaws.com/k?X-Amz-Algorithm=A&X-Amz-Credential="
                      "AKIA%2F1&X-Amz-Signature=deadbeef&x-amz-security-token=ZZ\"}");
    cr_expect_str_eq(s,
                     "{\"Url\":\"https://b.s3.amazonaws.com/k?X-Amz-Algorithm=A&X-Amz-Credential="
                     "<redacted>&X-Amz-Signature=<redacted>&x-amz-security-token=<redacted>\"}");
    cr_expect(strstr(s, "deadbeef") == NULL);
    free(s);
    cf_secrets_cleanup(&r);
}

Test(redact, text_without_secrets_is_unchanged_and_null_redactor_is_safe, .timeout = 5)
{
    char *s = run(NULL, "plain text, nothing secret; X-Amz-Signature= empty");
    cr_expect_str_eq(s, "plain text, nothing secret; X-Amz-Signature= empty");
    free(s);
}

Test(redact, a_cut_secret_is_masked_when_it_gives_most_of_it_away, .timeout = 5)
{
    cf_bindings vars = {0};
    cr_assert_eq(cf_bindings_set(&vars, "bearer", "conform-demo-connection-token-a", 1), CF_OK);
    cf_secrets r;
    cr_assert_eq(cf_secrets_init(&r, &vars), CF_OK);
    char *s = run(&r, "bad token conform-demo-connection-token (cut); conform-x stays");
    cr_expect_str_eq(s, "bad token <redacted:bearer> (cut); conform-x stays");
    cr_expect(cf_secrets_value_in("conform-demo-connection-token-a", "..conform-demo-conn..", 21));
    cr_expect_not(cf_secrets_value_in("conform-demo-connection-token-a", "conform-", 8));
    free(s);
    cf_secrets_cleanup(&r);
    cf_bindings_cleanup(&vars);
}

Test(redact, secrets_hidden_by_json_escapes_are_masked_in_a_copy, .timeout = 5)
{
    cf_bindings vars = {0};
    cr_assert_eq(cf_bindings_set(&vars, "bearer", "tok-123456", 1), CF_OK);
    cf_secrets r;
    cr_assert_eq(cf_secrets_init(&r, &vars), CF_OK);
    const char *body = "{\"message\":\"bad \\u0074ok-123456\",\"tok-123456\":1,\"ok\":\"fine\"}";
    cr_expect_not(cf_secrets_finds(&r, body, 31), "bytes hide the escaped one");
    cJSON *json = cJSON_Parse(body);
    cr_assert_not_null(json);
    cJSON *masked = cf_secrets_redact_json(&r, json);
    cr_assert_not_null(masked);
    char *text = cJSON_PrintUnformatted(masked);
    cr_expect(strstr(text, "tok-123456") == NULL, "%s", text);
    cr_expect(strstr(text, "\"ok\":\"fine\"") != NULL, "%s", text);
    cr_expect(strstr(text, "<redacted:bearer>") != NULL, "%s", text);
    free(text);
    cJSON_Delete(masked);
    cJSON *clean = cJSON_Parse("{\"a\":\"nothing here\"}");
    cr_expect_null(cf_secrets_redact_json(&r, clean), "no copy when nothing is secret");
    cJSON_Delete(clean);
    cJSON_Delete(json);
    cf_secrets_cleanup(&r);
    cf_bindings_cleanup(&vars);
}

Test(redact, json_escaped_form_of_a_secret_is_masked_too, .timeout = 5)
{
    cf_bindings vars = {0};
    cr_assert_eq(cf_bindings_set(&vars, "bearer", "se\"cr\\et-123", 1), CF_OK);
    cf_secrets r;
    cr_assert_eq(cf_secrets_init(&r, &vars), CF_OK);
    char *s = run(&r, "{\"ClientToken\":\"se\\\"cr\\\\et-123\"}");
    cr_expect_str_eq(s, "{\"ClientToken\":\"<redacted:bearer>\"}");
    free(s);
    cf_secrets_cleanup(&r);
    cf_bindings_cleanup(&vars);
}
