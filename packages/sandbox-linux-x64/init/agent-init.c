/*
 * agent-init: a minimal init for running the agent as PID 1 (a container without --init).
 *
 * Node cannot wait for processes it did not spawn, so orphans reparented to a Node PID 1 stay
 * zombies for ever. agent-init starts the agent as its child, marks itself a child subreaper
 * (so every orphan of the agent's process tree is reparented to it, not to PID 1), reaps all of
 * them, forwards the signals a container receives to the agent, and exits as the agent did.
 *
 * Usage: agent-init PROGRAM [ARGS...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* Signals that ask the agent to stop or concern its terminal: passed on to the agent. */
static const int forwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT};

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: agent-init PROGRAM [ARGS...]\n");
    return 2;
  }
  /* Orphans of the whole tree come here (harmless when already PID 1). */
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0 && getpid() != 1) {
    fprintf(stderr, "agent-init: cannot become a child subreaper: %s\n", strerror(errno));
    return 1;
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++) sigaddset(&set, forwarded[i]);
  sigset_t before;
  sigprocmask(SIG_BLOCK, &set, &before);

  pid_t child = fork();
  if (child < 0) {
    fprintf(stderr, "agent-init: fork: %s\n", strerror(errno));
    return 1;
  }
  if (child == 0) {
    sigprocmask(SIG_SETMASK, &before, NULL);
    execvp(argv[1], argv + 1);
    fprintf(stderr, "agent-init: cannot run %s: %s\n", argv[1], strerror(errno));
    _exit(127);
  }

  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (sig != SIGCHLD) {
      kill(child, sig);
      continue;
    }
    /* Reap every child that has exited: the agent, and any orphan of its tree. */
    for (;;) {
      int status = 0;
      pid_t pid = waitpid(-1, &status, WNOHANG);
      if (pid <= 0) break;
      if (pid != child) continue;
      /* The agent is gone: reap what is left without waiting for it, then exit as it did. */
      while (waitpid(-1, NULL, WNOHANG) > 0) {
      }
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
      return 1;
    }
  }
}
