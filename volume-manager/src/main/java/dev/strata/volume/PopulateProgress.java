package dev.strata.volume;

import java.io.IOException;

/** One volume's populate step, kept in its {@code state.json}. */
final class PopulateProgress implements Populator.Progress {

  private final VolumeFiles files;
  private final String name;

  PopulateProgress(VolumeFiles files, String name) {
    this.files = files;
    this.name = name;
  }

  @Override
  public VolumeState.Populate get() throws IOException {
    return files.state(name).populate();
  }

  @Override
  public void set(VolumeState.Populate step) throws IOException {
    files.writeState(files.volume(name), files.state(name).withPopulate(step));
  }
}
