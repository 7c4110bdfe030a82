# As trade-very-long-line.sh with one field too many after the 4 MiB
# sentence: the column of the message counts every byte before it.
printf '%s\n' 'id,period,reporter,partner,via,flow,commodity,qualifier,value,value_high,unit,change,change_qualifier,change_high,change_basis,source,sentence,note'
printf 't-q1,2023-Q1,VNM,RUS,,turnover,TOTAL,exact,732000000,,USD,-0.49,exact,,2022-Q1,s000,'
head -c 4194304 /dev/zero | tr '\0' x
printf ',note,extra\n'
