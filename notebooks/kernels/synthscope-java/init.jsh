java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.INFO);
java.util.logging.LogManager.getLogManager().addConfigurationListener(() -> java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.INFO));
