package io.prosface.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SchedulesTest {

    private static final double TOLERANCE = 1e-12;

    @Test
    void learningRateScalesLinearlyWithTheBatch() {
        assertEquals(1e-3, Schedules.scaledLearningRate(5e-4, 512), TOLERANCE);
        assertEquals(5e-4 / 8, Schedules.scaledLearningRate(5e-4, 32), TOLERANCE);
        assertThrows(IllegalArgumentException.class, () -> Schedules.scaledLearningRate(5e-4, 0));
    }

    @Test
    void cosineGoesFromStartToEndThroughTheMidpoint() {
        // weight decay 0.04 -> 0.4 over 1000 steps; at half way cos(pi/2) = 0, so the mean of the two
        assertEquals(0.04, Schedules.cosine(0.04, 0.4, 0, 1000), TOLERANCE);
        assertEquals(0.22, Schedules.cosine(0.04, 0.4, 500, 1000), TOLERANCE);
        assertEquals(0.4, Schedules.cosine(0.04, 0.4, 1000, 1000), TOLERANCE);
        assertEquals(0.4, Schedules.cosine(0.04, 0.4, 5000, 1000), TOLERANCE, "clamped past the end");
        // a quarter of the way: end + (start - end) (1 + cos(pi/4)) / 2
        assertEquals(0.4 + (0.04 - 0.4) * (1 + Math.sqrt(0.5)) / 2, Schedules.cosine(0.04, 0.4, 250, 1000), TOLERANCE);
    }

    @Test
    void teacherMomentumRisesFrom0996To1() {
        ProsSchedule schedule = ProsSchedule.dino(5e-4, 256, 100, 10);
        assertEquals(0.996, schedule.teacherMomentum(0), TOLERANCE);
        assertEquals(0.998, schedule.teacherMomentum(500), TOLERANCE);
        assertEquals(1.0, schedule.teacherMomentum(1000), TOLERANCE);
    }

    @Test
    void weightDecayRisesFrom004To04() {
        ProsSchedule schedule = ProsSchedule.dino(5e-4, 256, 100, 10);
        assertEquals(0.04, schedule.weightDecay(0), TOLERANCE);
        assertEquals(0.22, schedule.weightDecay(500), TOLERANCE);
        assertEquals(0.4, schedule.weightDecay(1000), TOLERANCE);
    }

    @Test
    void learningRateWarmsUpLinearlyThenFollowsACosineToTheMinimum() {
        // DINO: base 5e-4 at batch 512 -> peak 1e-3; 100 epochs of 10 steps, 10 warm-up epochs = 100 steps
        ProsSchedule schedule = ProsSchedule.dino(5e-4, 512, 100, 10);
        assertEquals(1e-3, schedule.peakLearningRate(), TOLERANCE);
        assertEquals(0.0, schedule.learningRate(0), TOLERANCE);
        assertEquals(0.5e-3, schedule.learningRate(50), TOLERANCE);
        assertEquals(1e-3, schedule.learningRate(100), TOLERANCE);
        // half way through the 900 cosine steps: the mean of peak and minimum
        assertEquals((1e-3 + 1e-6) / 2, schedule.learningRate(550), TOLERANCE);
        assertEquals(1e-6, schedule.learningRate(1000), TOLERANCE);
    }

    @Test
    void teacherTemperatureWarmsUpOverEpochsThenStaysConstant() {
        TeacherTemperatureSchedule temperature = TeacherTemperatureSchedule.dino(30);
        assertEquals(0.04, temperature.at(0), TOLERANCE);
        assertEquals(0.055, temperature.at(15), TOLERANCE);
        assertEquals(0.07, temperature.at(30), TOLERANCE);
        assertEquals(0.07, temperature.at(300), TOLERANCE);
        assertEquals(0.05, TeacherTemperatureSchedule.constant(0.05).at(0), TOLERANCE);
        assertThrows(IllegalArgumentException.class, () -> new TeacherTemperatureSchedule(0, 0.07, 30));
    }

    @Test
    void stepsMapToEpochs() {
        ProsSchedule schedule = ProsSchedule.dino(5e-4, 256, 100, 10);
        assertEquals(0, schedule.epoch(9));
        assertEquals(1, schedule.epoch(10));
        assertEquals(1000, schedule.totalSteps());
    }
}
