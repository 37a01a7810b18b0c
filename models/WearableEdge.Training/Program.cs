return WearableEdge.Training.CommandLine.TrainingCommandLine.Run(args);
