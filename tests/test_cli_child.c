/* test_cli_child.c - the tests' child-process runner: both outputs read together (a child that
 * fills stderr first cannot hang), waiting for a line, signals, and the environment it gets. */
#include <criterion/criterion.h>

#include <signal.h>
#include <string.h>

#include "cli_child.h"

#define MIB (1024u * 1024u)

Test(cli_child, a_child_filling_stderr_before_stdout_does_not_hang, .timeout = 30)
{
    /* a pipe holds 64 KiB: reading stdout to its end first would wait forever */
    const char *args[] = {"-c", "head -c 1048576 /dev/zero | tr '\\000' e >&2; echo done", NULL};
    cf_child p;
    cf_child_spawn(&p, "sh", NULL, NULL, args);
    cf_child_finish_within(&p, 20000);
    cr_assert_eq(p.status, 0, "%s", p.err.ptr);
    cr_assert_str_eq(p.out.ptr, "done\n");
    cr_assert_eq(p.err.len, MIB);
    cr_assert_eq(strspn(p.err.ptr, "e"), MIB);
    cf_child_cleanup(&p);
}

Test(cli_child, await_sees_a_line_while_the_child_runs_then_a_signal_ends_it, .timeout = 30)
{
    const char *args[] = {"-c", "echo ready >&2; exec sleep 60", NULL};
    cf_child p;
    cf_child_spawn(&p, "sh", NULL, NULL, args);
    cf_child_await(&p, "ready", 10000);
    cr_assert_eq(kill(p.pid, SIGTERM), 0);
    cf_child_finish(&p);
    cr_assert_eq(p.status, 128 + SIGTERM);
    cr_assert_str_eq(p.err.ptr, "ready\n");
    cf_child_cleanup(&p);
}

Test(cli_child, env_entries_set_and_a_bare_name_removes, .timeout = 30)
{
    const char *args[] = {"-c", "echo \"${CF_CHILD_PROBE-unset} ${NO_COLOR}\"", NULL};
    const char *set[] = {"CF_CHILD_PROBE=here", NULL};
    const char *removed[] = {"CF_CHILD_PROBE", NULL};
    cf_child p;
    cf_child_spawn(&p, "sh", NULL, set, args);
    cf_child_finish(&p);
    cr_assert_str_eq(p.out.ptr, "here 1\n");
    cf_child_cleanup(&p);
    cr_assert_eq(setenv("CF_CHILD_PROBE", "inherited", 1), 0);
    cf_child_spawn(&p, "sh", NULL, removed, args);
    cf_child_finish(&p);
    cr_assert_str_eq(p.out.ptr, "unset 1\n");
    cf_child_cleanup(&p);
}

Test(cli_child, a_missing_program_exits_127, .timeout = 10)
{
    cf_child p;
    cf_child_spawn(&p, "conform-no-such-program", NULL, NULL, NULL);
    cf_child_finish(&p);
    cr_assert_eq(p.status, 127);
    cf_child_cleanup(&p);
}
