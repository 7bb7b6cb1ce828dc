"""The training run behind the window: the worker thread and what it sends to the GUI.

``worker`` drives ``engine.train.Trainer`` in a QThread; ``snapshot`` is the
plain data it sends (numbers and small numpy arrays, never a live Value);
``snapshot_builder`` and ``boundary_compute`` make that data from the live
trainer; ``model_open`` opens a model file as the run's weights;
``dataset_loader`` runs a plugin's generate() off the GUI thread.
"""
