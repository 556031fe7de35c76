/* test_sdk.c - the AWS SDK for JavaScript v3 against the mock: serving the StartAttachmentUpload
 * AWS spec (with faults), and serving the whole Connect Participant service from its models and
 * overlay (all 11 operations, tests/sdk/service.mjs). */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "cli_child.h"
#include "npm_util.h"
#include "mock/mock.h"
#include "contract/spec.h"
#include "contract/vars.h"
#include "suite/suite.h"

#define AWS_SPEC CONFORM_SOURCE_DIR "/specs/connect-participant/start-attachment-upload.aws.json"
#define SERVICE CONFORM_SOURCE_DIR "/specs/connect-participant/connectparticipant.overlay.json"
#define SDK_SRC CONFORM_SOURCE_DIR "/tests/sdk"
#define SDK_DIR CONFORM_BINARY_DIR "/sdk"
#define NODE "/usr/bin/node"
#define NODE_MS 60000u /* sdk_check.mjs against four mocks */

/* Installs the SDK into the build tree once; later runs reuse node_modules. ES modules
 * resolve packages from the script's own folder, so the script sits next to node_modules. */
static void prepare_sdk_dir(void)
{
    static const char *const files[] = {"package.json", "sdk_check.mjs", "service.mjs", NULL};
    cf_test_npm_prepare(SDK_SRC, SDK_DIR, files,
                        SDK_DIR "/node_modules/@aws-sdk/client-connectparticipant", "install");
}

typedef struct {
    cf_mock *mock;
    char url[128];
} running;

static void start(const cf_spec *spec, const cf_api *api, const cf_secrets *vars, const char *fault,
                  running *r)
{
    cf_mock_opts o;
    cf_mock_opts_init(&o);
    o.spec = spec;
    o.api = api;
    o.secrets = vars;
    o.port = 0;
    o.seed = 1;
    o.seed_set = 1;
    char err[512] = "";
    if (fault)
        cr_assert_eq(cf_mock_fault_parse(fault, &o.faults, err, sizeof(err)), CF_OK, "%s", err);
    cr_assert_eq(cf_mock_start(&o, &r->mock, err, sizeof(err)), CF_OK, "%s", err);
    snprintf(r->url, sizeof(r->url), "%s", cf_mock_url(r->mock));
}

Test(sdk, aws_sdk_v3_sees_typed_results_and_exceptions, .timeout = 300)
{
    if (access(NODE, X_OK) != 0)
        cr_skip_test("%s is not installed", NODE);
    prepare_sdk_dir();

    cf_spec *spec = NULL;
    cf_diags d;
    cf_diags_init(&d);
    cr_assert_eq(cf_spec_load_file(AWS_SPEC, &spec, &d), CF_OK);
    cf_diags_cleanup(&d);
    cf_secrets vars = {0};
    char err[512] = "";
    cr_assert_eq(cf_vars_resolve(spec, NULL, &vars, err, sizeof(err)), CF_OK, "%s", err);
    const char *bearer = cf_secrets_get(&vars, "bearer");
    cr_assert_not_null(bearer);

    running plain, throttle, quota, internal;
    start(spec, NULL, &vars, NULL, &plain);
    start(spec, NULL, &vars, "throttle=1/s", &throttle);
    start(spec, NULL, &vars, "quota=0", &quota);
    start(spec, NULL, &vars, "error-rate=1", &internal);

    const char *args[] = {SDK_DIR "/sdk_check.mjs",
                          "--endpoint",
                          plain.url,
                          "--bearer",
                          bearer,
                          "--throttle-endpoint",
                          throttle.url,
                          "--quota-endpoint",
                          quota.url,
                          "--internal-endpoint",
                          internal.url,
                          NULL};
    int status = cf_test_run(NODE, args, NODE_MS);

    cf_mock_stop(plain.mock);
    cf_mock_stop(throttle.mock);
    cf_mock_stop(quota.mock);
    cf_mock_stop(internal.mock);
    cf_secrets_cleanup(&vars);
    cf_spec_free(spec);
    cr_assert_eq(status, 0, "sdk_check.mjs failed (exit %d); its lines are above", status);
}

/* A variable's default in the contract (the service's overlay gives every one). */
static const char *default_of(const cf_api *api, const char *name)
{
    const cf_api_var *v = cf_api_var_find(api, name);
    cr_assert(v && v->default_value, "the contract has no default for %s", name);
    return v->default_value;
}

Test(sdk, aws_sdk_v3_calls_all_eleven_operations_of_the_served_service, .timeout = 300)
{
    if (access(NODE, X_OK) != 0)
        cr_skip_test("%s is not installed", NODE);
    prepare_sdk_dir();

    cf_suite *suite = NULL;
    cf_diags d;
    cf_diags_init(&d);
    cf_rc rc = cf_suite_load_file(SERVICE, &suite, &d);
    cr_assert_eq(rc, CF_OK, "%s: %s", SERVICE, d.count ? d.items[0].message : cf_strerror(rc));
    cf_diags_cleanup(&d);
    cr_assert_eq(suite->api->operation_count, 11);
    running service;
    start(NULL, suite->api, NULL, NULL, &service);

    const char *args[] = {SDK_DIR "/sdk_check.mjs",
                          "--service-endpoint",
                          service.url,
                          "--participant-token",
                          default_of(suite->api, "participant_token"),
                          "--participant-token-alt",
                          default_of(suite->api, "participant_token_alt"),
                          "--view-token",
                          default_of(suite->api, "view_token"),
                          NULL};
    int status = cf_test_run(NODE, args, NODE_MS);
    cf_mock_stats stats;
    cf_mock_stats_get(service.mock, &stats);
    cf_mock_stop(service.mock);
    cf_suite_free(suite);
    cr_assert_eq(status, 0, "sdk_check.mjs failed (exit %d); its lines are above", status);
    cr_assert_geq(stats.requests, 30, "the SDK made %lu requests", stats.requests);
}
