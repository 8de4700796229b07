"""A monthly household budget as a pie chart, the savings slice pulled out."""

import matplotlib.pyplot as plt

labels = ["Rent", "Food", "Transport", "Savings", "Other"]
shares = [35, 20, 15, 20, 10]
explode = [0, 0, 0, 0.12, 0]
fig, ax = plt.subplots(figsize=(5.5, 5.5))
ax.pie(shares, labels=labels, autopct="%d%%", startangle=90, explode=explode, counterclock=False)
ax.set_title("Monthly budget")
ax.set_aspect("equal")
