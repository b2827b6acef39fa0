package dev.strata.registry;

import dev.strata.layer.ChainId;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Compresses the layers a push must upload on several threads, ahead of the uploads, and hands the
 * blobs out in the order given. Each layer is compressed on its own by {@link LayerCompressor},
 * exactly as one thread would, so the bytes and digests are the same whatever the thread count.
 * At most {@code threads} layers are compressed or waiting ahead of the one being uploaded, which
 * bounds the staged blobs on disk to {@code threads + 1}.
 */
final class CompressionQueue implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(CompressionQueue.class.getName());

  /** One layer to compress into {@code target}; {@code tarBytes} hears its progress. */
  record Job(ChainId chain, Path target, LongConsumer tarBytes) {}

  private final LayerCompressor compressor;
  private final BlobCompression compression;
  private final List<Job> jobs;
  private final int window;
  private final ExecutorService pool;
  private final List<Future<StagedBlob>> submitted = new ArrayList<>();
  private int taken;

  CompressionQueue(LayerCompressor compressor, BlobCompression compression, List<Job> jobs, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, not " + threads);
    }
    this.compressor = compressor;
    this.compression = compression;
    this.jobs = List.copyOf(jobs);
    this.window = threads;
    this.pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, jobs.size())), r -> {
      Thread t = new Thread(r, "strata-push-compress");
      t.setDaemon(true);
      return t;
    });
    while (submitted.size() < Math.min(window, this.jobs.size())) {
      submitNext();
    }
  }

  /** The threads a push compresses on: one per core. */
  static int defaultThreads() {
    return Runtime.getRuntime().availableProcessors();
  }

  /** The next job's blob, in the order the jobs were given; waits for it to be compressed. */
  StagedBlob next() throws IOException {
    if (taken == jobs.size()) {
      throw new IllegalStateException("all " + jobs.size() + " layers were taken");
    }
    Future<StagedBlob> f = submitted.get(taken++);
    if (submitted.size() < jobs.size()) {
      submitNext();
    }
    return Futures.await(f, "a layer's compression");
  }

  private void submitNext() {
    Job job = jobs.get(submitted.size());
    submitted.add(pool.submit(() -> compressor.compress(job.chain(), compression, job.target(), job.tarBytes())));
  }

  /** Stops compressions still running (a failed push) and waits for them, so their files can go. */
  @Override
  public void close() {
    pool.shutdownNow();
    try {
      if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.log(Level.WARNING, "layer compressions did not stop within 30 s; their staging is deleted under them");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
