/**
 * The one JSON helper: Jackson trees, record binding, field accessors whose errors name the
 * document, compact and indented output. Internal: exported to Strata's modules only, so its
 * Jackson-typed signatures are no promise to anyone else.
 */
@SuppressWarnings("module") // qualified exports name modules built later
module dev.strata.json {
  requires transitive com.fasterxml.jackson.databind;
  requires dev.strata.driver;

  exports dev.strata.json to
      dev.strata.volume,
      dev.strata.store,
      dev.strata.registry;
}
