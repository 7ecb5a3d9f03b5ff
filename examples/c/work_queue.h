/*
 * work_queue.h - the job queue of the C examples' worker-thread pattern: tool (resource,
 * completion) callbacks run on the server's thread and must not block, so they put their
 * responder in a job on this queue and return; worker threads pop the jobs and complete the
 * calls.
 *
 * Header-only (static inline), C11 + POSIX threads, no allocation: an intrusive FIFO. The
 * queue knows nothing of what a job or a worker is. A job is any struct of the caller's that
 * contains a `struct work_item`; the worker gets the item back from work_queue_pop and
 * recovers its job with work_queue_entry. Workers are the caller's threads (with whatever
 * they own, a database connection for example), started and joined by the caller.
 *
 * Rules:
 * - Ownership: a job belongs to whoever pushes it until work_queue_push accepts it, then to
 *   the queue, then to the worker that pops it (which completes its responder and frees
 *   it). When work_queue_push refuses it (the queue is closed, it returns 0), the job stays
 *   the caller's: answer its responder and free it.
 * - Threads: push, pop and close may be called from any thread. Push only takes the queue's
 *   lock, so it is fit for a callback on the server's thread; pop blocks.
 * - Shutdown, in this order, once serving is over (mcpf_server_run_* returned):
 *   1. work_queue_close: no new jobs are accepted (a late callback gets a refusal);
 *   2. join the workers: pop hands out every queued job, then returns NULL to each of them,
 *      so every accepted call is completed before its worker exits;
 *   3. mcpf_server_free: no responder outlives the server;
 *   4. work_queue_destroy (and whatever the callbacks' user_data point at, the queue among
 *      them, is freed after the server).
 */
#ifndef MCPF_EXAMPLES_WORK_QUEUE_H
#define MCPF_EXAMPLES_WORK_QUEUE_H

#include <pthread.h>
#include <stddef.h>

/* The link a job struct embeds (anywhere in it; see work_queue_entry). */
struct work_item {
    struct work_item *next;
};

/* A FIFO of jobs shared by producers (callbacks) and consumers (workers). */
struct work_queue {
    pthread_mutex_t lock;
    pthread_cond_t ready;
    struct work_item *head, *tail;
    int closed; /* no more jobs will come: pop returns NULL once the queue is empty */
};

/* The job of type `type` whose `struct work_item` member `member` is at `item` (not NULL). */
#define work_queue_entry(item, type, member) ((type *)(void *)((char *)(item) - offsetof(type, member)))

/* Makes an empty, open queue; 0 on success, nonzero (nothing to destroy) on failure. */
static inline int work_queue_init(struct work_queue *q) {
    q->head = q->tail = NULL;
    q->closed = 0;
    if (pthread_mutex_init(&q->lock, NULL) != 0) return 1;
    if (pthread_cond_init(&q->ready, NULL) != 0) {
        pthread_mutex_destroy(&q->lock);
        return 1;
    }
    return 0;
}

/* Releases the lock and condition; only once no thread uses the queue (workers joined). */
static inline void work_queue_destroy(struct work_queue *q) {
    pthread_cond_destroy(&q->ready);
    pthread_mutex_destroy(&q->lock);
}

/* Appends `item` and wakes one worker; 1 when accepted, 0 (item untouched, still the
 * caller's) when the queue is closed. Never blocks beyond the queue's lock. */
static inline int work_queue_push(struct work_queue *q, struct work_item *item) {
    pthread_mutex_lock(&q->lock);
    int accepted = !q->closed;
    if (accepted) {
        item->next = NULL;
        if (q->tail) q->tail->next = item;
        else q->head = item;
        q->tail = item;
        pthread_cond_signal(&q->ready);
    }
    pthread_mutex_unlock(&q->lock);
    return accepted;
}

/* Blocks until a job is queued and takes it (the oldest first); NULL once the queue is
 * closed and empty: the worker should then exit. */
static inline struct work_item *work_queue_pop(struct work_queue *q) {
    pthread_mutex_lock(&q->lock);
    while (q->head == NULL && !q->closed) pthread_cond_wait(&q->ready, &q->lock);
    struct work_item *item = q->head;
    if (item != NULL && (q->head = item->next) == NULL) q->tail = NULL;
    pthread_mutex_unlock(&q->lock);
    return item;
}

/* Refuses new jobs from now on and wakes every worker; the queued jobs are still handed out. */
static inline void work_queue_close(struct work_queue *q) {
    pthread_mutex_lock(&q->lock);
    q->closed = 1;
    pthread_cond_broadcast(&q->ready);
    pthread_mutex_unlock(&q->lock);
}

#endif /* MCPF_EXAMPLES_WORK_QUEUE_H */
