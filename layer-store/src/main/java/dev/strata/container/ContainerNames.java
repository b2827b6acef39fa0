package dev.strata.container;

import java.util.random.RandomGenerator;

/** Docker-style generated container names, {@code adjective_scientist}. */
final class ContainerNames {

  private static final String[] LEFT = {"brave", "calm", "eager", "fervent", "gentle", "happy", "jolly",
      "keen", "lucid", "nifty", "quiet", "sharp", "stoic", "tender", "vivid", "zen"};
  private static final String[] RIGHT = {"babbage", "curie", "dijkstra", "euler", "hopper", "knuth",
      "lamport", "lovelace", "noether", "ritchie", "shannon", "thompson", "turing", "wirth"};

  private final RandomGenerator random;

  ContainerNames(RandomGenerator random) {
    this.random = random;
  }

  String next() {
    return LEFT[random.nextInt(LEFT.length)] + "_" + RIGHT[random.nextInt(RIGHT.length)];
  }
}
