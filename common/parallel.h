/* Parallel runs with MPI: the processes (ranks), communicators, and the few collectives the
 * engine needs.  The only file that includes <mpi.h> is common/parallel.c.
 *
 * Built with LS_HAVE_MPI (`make MPI=1`) these wrap MPI.  Without it, and also before
 * ls_par_init (the unit tests), there is one process, rank 0 of 1, and every collective returns
 * at once leaving the data as it is: callers never need #ifdef.
 *
 * Threads: MPI is initialised with MPI_THREAD_FUNNELED, so only the main thread may call these
 * functions, never from inside an OpenMP parallel region.
 *
 * Same bits on every rank: sums are reduced to rank 0 and broadcast from there (MPI_Allreduce
 * does not promise identical results on all ranks), so replicated quantities built from them
 * stay bit-identical across ranks; the order of the reduction is fixed for a given number of
 * ranks and message size.
 *
 * Errors: MPI's default handler (MPI_ERRORS_ARE_FATAL) stops the whole job on a communication
 * failure, so the collectives return nothing.  A failed computation on some ranks is made known
 * to all at points every rank reaches (ls_comm_agree); apps/main.c ends a job in which one rank
 * failed and the others cannot follow with ls_par_abort (see ls_par_wait_all).
 */
#ifndef LS_PARALLEL_H
#define LS_PARALLEL_H

#include <complex.h>
#include <stddef.h>

typedef struct ls_comm ls_comm;

/* MPI_Init_thread (MPI_THREAD_FUNNELED, or MPI_THREAD_MULTIPLE when want_multiple: the campaign's
 * task farm, whose leader thread sends and receives while the engine computes); LS_ERR_LIBRARY if
 * MPI cannot start or does not offer FUNNELED.  A no-op without MPI.  Call once, first thing in
 * main. */
int ls_par_init(int *argc, char ***argv, int want_multiple);
/* 1 when MPI granted MPI_THREAD_MULTIPLE (any thread may call the point-to-point functions). */
int ls_par_thread_multiple(void);
/* MPI_Finalize (after ls_par_init only). */
void ls_par_finalize(void);
/* 1 when built with MPI (whether or not started under mpirun). */
int ls_par_have_mpi(void);
/* The MPI the program was built with ("MPI 3.1, Open MPI 4.1.4", or "none (serial build ...)")
 * and, in an MPI build, the library it runs with (MPI_Get_library_version's first part). */
void ls_par_library_version(char *built, size_t n_built, char *running, size_t n_running);
/* This process in the world, and the number of processes (1 without MPI). */
int ls_par_rank(void);
int ls_par_size(void);

/* The processes the engine works with: all of them, or, in a task farm (the campaign on MPI),
 * the group this process belongs to (ls_par_set_world).  ls_par_rank and ls_par_size are this
 * process's place in it.  Never NULL, never destroyed. */
const ls_comm *ls_comm_world(void);
/* All processes of the job (MPI_COMM_WORLD), whatever ls_par_set_world says. */
const ls_comm *ls_comm_universe(void);
/* Make c (a group split from the universe; NULL: the universe again) the engine's world in this
 * process.  c must outlive its use. */
void ls_par_set_world(const ls_comm *c);
int ls_comm_rank(const ls_comm *c);
int ls_comm_size(const ls_comm *c);
/* Collective over c: the ranks with the same colour form a new communicator, ordered by key
 * (then by rank in c).  The caller destroys it. */
int ls_comm_split(const ls_comm *c, int color, int key, ls_comm **out);
void ls_comm_destroy(ls_comm *c); /* accepts NULL and ls_comm_world() (ignored) */

/* In-place reductions over the ranks of c of x[n]; every rank gets the same bits. */
void ls_comm_sum_double(const ls_comm *c, double *x, size_t n);
void ls_comm_sum_complex(const ls_comm *c, double complex *x, size_t n);
void ls_comm_sum_int(const ls_comm *c, int *x, size_t n);
void ls_comm_max_double(const ls_comm *c, double *x, size_t n);
void ls_comm_max_int(const ls_comm *c, int *x, size_t n);
void ls_comm_min_int(const ls_comm *c, int *x, size_t n);
/* bytes of buf from rank root to every rank of c. */
void ls_comm_bcast(const ls_comm *c, void *buf, size_t bytes, int root);
/* In place: buf holds units of unit_bytes; rank r of c owns units [first[r], first[r + 1])
 * (first has size(c) + 1 entries, non-decreasing) and afterwards every rank holds all of them. */
void ls_comm_allgatherv(const ls_comm *c, void *buf, size_t unit_bytes, const int *first);
void ls_comm_barrier(const ls_comm *c);

/* Collective status check over c: LS_OK when status is LS_OK on every rank, else the status of
 * the lowest failing rank, whose error message (prefixed "rank N: " on the other ranks) is
 * recorded on every rank (common/err.h).  Call it where every rank of c arrives. */
int ls_comm_agree(const ls_comm *c, int status);

/* Point to point (the task farm's messages, not timed below): bytes of buf to rank `dest` of c
 * with a tag; and the next message from `source` (-1: any) with `tag` (-1: any) into buf (cap
 * bytes), waiting at most timeout_s (< 0: no limit) by polling without spinning (every 0.1 ms at
 * first, backing off to every 10 ms); m->got = 0 when the time ran out.  LS_ERR_UNSUPPORTED without MPI. */
struct ls_comm_message {
    int got, source, tag;
    size_t bytes;
};
int ls_comm_send(const ls_comm *c, const void *buf, size_t bytes, int dest, int tag);
int ls_comm_recv(const ls_comm *c, void *buf, size_t cap, int source, int tag, double timeout_s,
                 struct ls_comm_message *m);

/* Wall seconds this process spent in the collectives above so far: communication, and waiting
 * for the other ranks (load imbalance); and the CPU seconds of the calling thread in them (MPI
 * polls while it waits).  0 in a one-process run. */
double ls_par_comm_seconds(void);
double ls_par_comm_cpu_seconds(void);

/* Share [0, n) out among `size` parties: party `rank` takes [*lo, *hi), contiguous, in rank
 * order, the counts differing by at most one. */
void ls_par_range(long n, int size, int rank, long *lo, long *hi);

/* For apps/ only.  Non-blocking barrier over all processes: 1 when every process has arrived,
 * 0 when timeout_s (< 0: no limit) passed first (some process is stuck or still computing).
 * Polls every millisecond without spinning. */
int ls_par_wait_all(double timeout_s);
/* For apps/ only: stop every process with this exit code (MPI_Abort); returns without MPI. */
void ls_par_abort(int exit_code);

#endif
