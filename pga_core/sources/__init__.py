"""Readers for wearable and habit exports; each turns files into DailyData."""
