package dev.strata.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code strata tag SOURCE TARGET}: {@code docker tag}; silent on success, as Docker is. */
@Command(name = "tag", description = "Give an image another name, e.g. the registry/repository to push it to.")
final class TagCommand implements Callable<Integer> {

  @ParentCommand StrataCommand top;

  @Parameters(index = "0", paramLabel = "SOURCE", description = "Image by tag, id or id prefix.")
  String source;

  @Parameters(index = "1", paramLabel = "TARGET", description = "New tag, [HOST[:PORT]/]NAME[:TAG].")
  String target;

  @Override
  public Integer call() throws IOException {
    try (Stores stores = top.openStores()) {
      stores.images.tag(source, target);
    }
    return ExitCodes.OK;
  }
}
