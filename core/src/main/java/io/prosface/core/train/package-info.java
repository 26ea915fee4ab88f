/**
 * Training primitives shared by ProS pretraining and fine-tuning: schedules, the prototype-matching loss, the EMA
 * teacher, gradient clipping, AdamW with scheduled learning rate and weight decay, one ProS step, and the task
 * losses and metrics. Pure DJL + JDK, generic over {@link ai.djl.nn.Block}s.
 *
 * <p>A ProS run:
 * <pre>{@code
 * Block student = ...; Block teacher = ...;           // same factory, both initialised with the same input shape
 * EmaTeacher networks = new EmaTeacher(student, teacher);
 * ProsSchedule schedule = ProsSchedule.dino(5e-4, batchSize, epochs, stepsPerEpoch);
 * try (ProsPretrainer pretrainer = new ProsPretrainer(networks,
 *         new PrototypeMatchingLoss(numPrototypes, TeacherTemperatureSchedule.dino(30)),
 *         new ScheduledAdamW(), schedule,
 *         ProsPretrainer.Settings.dino(name -> name.endsWith("prototypes")))) {
 *     for (long step = 0; step < schedule.totalSteps(); step++) {
 *         try (NDManager batch = manager.newSubManager()) {
 *             List<NDArray> views = ...;                   // 2 global (B, 3, S, S), then local (B, 3, s, s)
 *             StepMetrics metrics = pretrainer.step(views, step);
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>Inside a {@code GradientCollector}, use {@link io.prosface.core.train.GraphScalars} instead of the
 * {@code Number} overloads of NDArray arithmetic (a DJL 0.36 use-after-free, see there).
 */
package io.prosface.core.train;
