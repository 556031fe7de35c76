/* transport_opts.c - the option handling `conform run` and `conform fuzz` share (transport
 * flags, --target, --var) and their one interrupt set-up, so both read a flag the same way. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/limits.h"
#include "cli/cli.h"

cf_cli_status cf_cli_transport_option(const cf_cli_parser *p, cf_transport_opts *t)
{
    const char *name = cf_cli_parser_option_name(p);
    const char *val = p->value;
    unsigned long long v;
    if (!name)
        return CF_CLI_GO_ON;
    if (strcmp(name, "cacert") == 0) {
        if (access(val, R_OK) != 0)
            return cf_cli_usage_error(p, "--cacert %s: %s", val, strerror(errno));
        t->cacert = val;
    } else if (strcmp(name, "insecure") == 0) {
        t->insecure = 1;
    } else if (strcmp(name, "jobs") == 0) {
        if (!cf_cli_uint(p, 1, 256, &v))
            return CF_CLI_EXIT_USAGE;
        t->jobs = (unsigned)v;
    } else if (strcmp(name, "max-body") == 0) {
        if (!cf_cli_uint(p, 1024, 1024ull * 1024 * 1024, &v))
            return CF_CLI_EXIT_USAGE;
        t->max_body = (size_t)v;
    } else if (strcmp(name, "proxy") == 0) {
        if (!cf_cli_proxy_scheme_ok(val)) {
            char shown[CF_ERR_MAX];
            cf_cli_proxy_display(val, shown, sizeof(shown));
            return cf_cli_usage_error(p,
                                      "--proxy expects an http:// or https:// URL, got \"%s\" "
                                      "(SOCKS and other proxies are not supported)",
                                      shown);
        }
        t->proxy = val;
    } else if (strcmp(name, "retries") == 0) {
        if (!cf_cli_uint(p, 0, 5, &v))
            return CF_CLI_EXIT_USAGE;
        t->retries = (unsigned)v;
    } else if (strcmp(name, "timeout") == 0) {
        if (!cf_cli_uint(p, 1, 600000, &v))
            return CF_CLI_EXIT_USAGE;
        t->timeout_ms = (long)v;
    }
    return CF_CLI_GO_ON;
}

cf_cli_status cf_cli_target_option(const cf_cli_parser *p, int allow_spec, const char **target)
{
    const char *val = p->value;
    if (strcmp(val, "mock") != 0 && !(allow_spec && strcmp(val, "spec") == 0) &&
        strncmp(val, "http://", 7) != 0 && strncmp(val, "https://", 8) != 0)
        return cf_cli_usage_error(p, "--target expects mock%s or an http(s):// URL, got \"%s\"",
                                  allow_spec ? ", spec" : "", val);
    *target = val;
    return CF_CLI_GO_ON;
}

cf_cli_status cf_cli_var_option(const cf_cli_parser *p, const char ***vars, size_t *n)
{
    char name[CF_VARS_NAME_MAX], err[256];
    const char *value = NULL;
    if (cf_vars_parse("--var", p->value, name, sizeof(name), &value, err, sizeof(err)) != CF_OK)
        return cf_cli_usage_error(p, "%s", err);
    const char **l = realloc(*vars, (*n + 1) * sizeof(*l));
    if (!l)
        return CF_CLI_EXIT_USAGE;
    l[(*n)++] = p->value;
    *vars = l;
    return CF_CLI_GO_ON;
}

/* Set by the handler; a signal handler can only reach a static. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

volatile sig_atomic_t *cf_cli_catch_interrupts(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    return &interrupted;
}
